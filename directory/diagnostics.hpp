#pragma once
// Problems found in a directory, and where they are. Validation works on the
// model alone (a directory may arrive over the wire); when it came from a
// file, a SourceMap turns a problem's path ("users[3].uid") into a line:
//
//   directory.yaml:42: user "alice": uid 70001 outside managed_uid_range [20000, 60000]

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace herd::directory {

// Where each element of a loaded file was: path -> 1-based line.
class SourceMap {
 public:
  SourceMap() = default;
  explicit SourceMap(std::string file) : file_(std::move(file)) {}

  void add(std::string path, int line) { lines_.emplace(std::move(path), line); }
  // The line of `path`, else of its nearest enclosing element; 0 if unknown.
  [[nodiscard]] int line_of(std::string_view path) const;
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::unordered_map<std::string, int> lines_;
};

struct Diagnostic {
  std::string path;     // "users[3].uid"; empty for the whole directory
  std::string subject;  // `user "alice"`, `group "ml"`; empty for directory-level fields
  std::string message;  // what is wrong, naming the field
  std::string related;  // path of another element involved (the first of two duplicates)
};

// "FILE:LINE: SUBJECT: MESSAGE (also at line N)" or, without a map,
// "SUBJECT: MESSAGE (also at users[0])".
[[nodiscard]] std::string format_diagnostic(const Diagnostic& d, const SourceMap* lines);
[[nodiscard]] std::vector<std::string> format_diagnostics(const std::vector<Diagnostic>& ds, const SourceMap* lines);

// A name or value as it appears in a message: quoted, control characters
// escaped, cut at 64 characters so one bad value cannot flood a report.
[[nodiscard]] std::string quote(std::string_view text);

// `user "alice"`, or `users[3]` when the name is empty.
[[nodiscard]] std::string element_subject(std::string_view kind, std::string_view name, std::string_view list,
                                          std::size_t index);

// Collects diagnostics; `add` formats in place.
class Diagnostics {
 public:
  template <typename... Args>
  void add(std::string path, std::string subject, fmt::format_string<Args...> format, Args&&... args) {
    items_.push_back({std::move(path), std::move(subject), fmt::format(format, std::forward<Args>(args)...), {}});
  }
  void add_related(std::string path, std::string subject, std::string message, std::string related) {
    items_.push_back({std::move(path), std::move(subject), std::move(message), std::move(related)});
  }
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const& { return items_; }
  [[nodiscard]] std::vector<Diagnostic>&& items() && { return std::move(items_); }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace herd::directory
