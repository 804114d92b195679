#include "directory/diagnostics.hpp"

namespace herd::directory {

int SourceMap::line_of(std::string_view path) const {
  std::string key(path);
  for (;;) {
    if (auto it = lines_.find(key); it != lines_.end()) return it->second;
    // Walk up one level: "users[3].uid" -> "users[3]" -> "users" -> "".
    const auto cut = key.find_last_of(".[");
    if (cut == std::string::npos) return 0;
    key.resize(cut);
  }
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  std::string out = "\"";
  std::size_t shown = 0;
  for (char c : text) {
    if (shown++ == kMaxShown) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string element_subject(std::string_view kind, std::string_view name, std::string_view list, std::size_t index) {
  if (name.empty()) return fmt::format("{}[{}]", list, index);
  return fmt::format("{} {}", kind, quote(name));
}

std::string format_diagnostic(const Diagnostic& d, const SourceMap* lines) {
  std::string out;
  if (lines != nullptr) {
    const int line = lines->line_of(d.path);
    out = line > 0 ? fmt::format("{}:{}: ", lines->file(), line) : fmt::format("{}: ", lines->file());
  }
  if (!d.subject.empty()) out += d.subject + ": ";
  out += d.message;
  if (!d.related.empty()) {
    const int other = lines != nullptr ? lines->line_of(d.related) : 0;
    out += other > 0 ? fmt::format(" (also at line {})", other) : fmt::format(" (also at {})", d.related);
  }
  return out;
}

std::vector<std::string> format_diagnostics(const std::vector<Diagnostic>& ds, const SourceMap* lines) {
  std::vector<std::string> out;
  out.reserve(ds.size());
  for (const Diagnostic& d : ds) out.push_back(format_diagnostic(d, lines));
  return out;
}

}  // namespace herd::directory
