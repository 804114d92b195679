#include "directory/loader.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <type_traits>

#include <yaml-cpp/yaml.h>

#include "common/atomic_file.hpp"
#include "directory/validate.hpp"

namespace herd::directory {
namespace {

using protocol::Bounds;

// Aliases let a small file name a huge structure many times over; reading
// stops after this many values, far above any real directory (10,000 users
// with keys and groups are ~300,000 values).
constexpr std::size_t kMaxValues = 20'000'000;
constexpr std::size_t kMaxFileBytes = 256u << 20;

// Fields a file must give; every other field has a default.
bool is_required(std::string_view record, std::string_view field) {
  // users and groups too: a file cut short before them must not read as
  // "remove every user".
  if (record == protocol::Directory::kName) {
    return field == "managed_uid_range" || field == "managed_gid_range" || field == "users" || field == "groups";
  }
  if (record == protocol::DirectoryUser::kName) return field == "name" || field == "uid" || field == "primary_group";
  if (record == protocol::DirectoryGroup::kName) return field == "name" || field == "gid";
  return field == "path";
}

std::string kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Scalar: return quote(n.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

int line_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

// Where a value is: its path, the element a message is about, and the
// field's name relative to that element.
struct Where {
  std::string path;      // "users[3].disk_quota[0].bytes_hard"
  std::string subject;   // `user "alice"`
  std::size_t base = 0;  // length of the subject's own path ("users[3]") within `path`
  // The path inside the element ("disk_quota[0].bytes_hard"); empty for the element itself.
  [[nodiscard]] std::string field() const {
    if (base == 0) return path;
    return path.size() > base ? path.substr(base + 1) : std::string{};
  }
  // "FIELD: message", or just the message when it is about the element itself.
  [[nodiscard]] std::string prefixed(std::string_view message) const {
    const std::string f = field();
    return f.empty() ? std::string(message) : fmt::format("{}: {}", f, message);
  }
  [[nodiscard]] Where child(std::string_view name) const {
    return {path.empty() ? std::string(name) : path + "." + std::string(name), subject, base};
  }
  [[nodiscard]] Where element(std::size_t i) const { return {fmt::format("{}[{}]", path, i), subject, base}; }
};

std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t v = 0;
  if (text.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A map entry of the file: key, value and the key's line.
struct Entry {
  std::string name;
  YAML::Node node;
  int line = 0;
};

class Reader {
 public:
  Reader(SourceMap& lines, Diagnostics& problems, std::vector<std::string>& failed)
      : lines_(lines), problems_(problems), failed_(failed) {}

  [[nodiscard]] bool exhausted() const { return values_ > kMaxValues; }

  template <typename R>
  void record(const YAML::Node& node, R& out, const Where& w) {
    lines_.add(w.path, line_of(node));
    if (!node.IsMap()) return wrong(w, node, "a map");
    // Collect the keys once: yaml-cpp keeps duplicate keys, which a file
    // must not have (which one would win is not obvious to its author).
    std::vector<Entry> entries;
    for (const auto& kv : node) {
      const YAML::Node key = kv.first;
      if (!key.IsScalar()) {
        note(w, line_of(key), fmt::format("a key is {}, not a field name", kind_of(key)));
        continue;
      }
      bool duplicate = false;
      for (const Entry& e : entries) duplicate = duplicate || e.name == key.Scalar();
      if (duplicate) {
        note(w, line_of(key), fmt::format("field {} appears twice", quote(key.Scalar())));
        continue;
      }
      entries.push_back({key.Scalar(), kv.second, line_of(key)});

    }
    Fields<R> fields{*this, entries, w, {}};
    R::fields(out, fields);
    for (const Entry& e : entries) {
      bool known = false;
      for (std::string_view k : fields.visited) known = known || k == e.name;
      if (!known) note(w, e.line, fmt::format("unknown field {}", quote(e.name)));
    }
  }

  template <typename T>
  void value(const YAML::Node& node, T& out, const Where& w, std::string_view field) {
    if (++values_ > kMaxValues) return;
    lines_.add(w.path, line_of(node));
    if constexpr (std::is_same_v<T, std::string>) {
      if (!node.IsScalar()) return wrong(w, node, "a string");
      out = node.Scalar();
    } else if constexpr (std::is_same_v<T, bool>) {
      const std::string s = node.IsScalar() ? node.Scalar() : std::string{};
      if (s == "true" || s == "True" || s == "TRUE") out = true;
      else if (s == "false" || s == "False" || s == "FALSE") out = false;
      else wrong(w, node, "true or false");
    } else if constexpr (std::is_integral_v<T>) {
      if (!node.IsScalar()) return wrong(w, node, "a number");
      number(node, out, w, field);
    } else if constexpr (protocol::Enum<T>) {
      const std::string s = node.IsScalar() ? node.Scalar() : std::string{};
      for (std::size_t i = 0; i < protocol::EnumNames<T>::names.size(); ++i) {
        if (protocol::EnumNames<T>::names[i] == s) return void(out = static_cast<T>(i));
      }
      wrong(w, node, protocol::Codec<T>::type_name().substr(5));
    } else if constexpr (IsVector<T>::value) {
      // "groups:" with nothing after it is an empty list, except for the
      // directory's own users and groups, where it more likely is a file cut short.
      if (node.IsNull() && w.path != "users" && w.path != "groups") return void(out.clear());
      if (!node.IsSequence()) return wrong(w, node, "a list");
      out.clear();
      out.resize(node.size());
      std::size_t i = 0;
      for (const auto& element : node) {
        if (exhausted()) return;
        Where at = w.element(i);
        if constexpr (std::is_same_v<T, std::vector<protocol::DirectoryUser>>) {
          at = element_where(element, at, "user", w.path, i);
        } else if constexpr (std::is_same_v<T, std::vector<protocol::DirectoryGroup>>) {
          at = element_where(element, at, "group", w.path, i);
        }
        value(element, out[i], at, field);
        ++i;
      }
    } else if constexpr (std::is_same_v<T, std::array<uint32_t, 2>>) {
      if (!node.IsSequence() || node.size() != 2) return wrong(w, node, "a list of two numbers [lo, hi]");
      for (std::size_t i = 0; i < 2; ++i) value(node[i], out[i], w, field);
    } else if constexpr (std::is_same_v<T, protocol::ManagedDirectory>) {
      // A bare template is the short form of {path: TEMPLATE}.
      if (node.IsScalar()) return value(node, out.path, w.child("path"), "path");
      record(node, out, w);
    } else {
      record(node, out, w);
      if constexpr (std::is_same_v<T, protocol::DirectoryUser>) {
        if (out.home.empty() && !node["home"]) {
          if (out.name.empty()) failed_.push_back(w.path + ".home");  // its default needs the name
          else out.home = "/home/" + out.name;
        }
      }
    }
  }

 private:
  // Visits a record's fields: reads those present, reports missing required ones.
  template <typename R>
  struct Fields {
    Reader& reader;
    const std::vector<Entry>& entries;
    const Where& where;
    std::vector<std::string_view> visited;

    template <typename T>
    void operator()(std::string_view name, T& out, std::string_view, Bounds = {}) {
      visited.push_back(name);
      for (const Entry& e : entries) {
        if (e.name == name) {
          // A field's line is its key's: a null or block value has no line of its own.
          const Where at = where.child(name);
          reader.lines_.add(at.path, e.line);
          return reader.value(e.node, out, at, name);
        }
      }
      if (is_required(R::kName, name)) reader.missing(where.child(name));
    }
  };

  // users[3] -> `user "alice"`, so that messages name the element.
  static Where element_where(const YAML::Node& element, const Where& at, std::string_view kind, std::string_view list,
                             std::size_t index) {
    std::string name;
    if (element.IsMap()) {
      if (const YAML::Node n = element["name"]; n && n.IsScalar()) name = n.Scalar();
    }
    return {at.path, element_subject(kind, name, list, index), at.path.size()};
  }

  template <typename T>
  void number(const YAML::Node& node, T& out, const Where& w, std::string_view field) {
    const std::string& text = node.Scalar();
    uint64_t v = 0;
    if (field == "mode") {
      // Permission modes are octal whatever their spelling: 0750, "0750", 750.
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 8);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return wrong(w, node, "an octal permission mode such as 0750");
      }
    } else if (field.starts_with("bytes_")) {
      auto size = parse_size(text);
      if (!size) return fail_at(w, node, size.error().message);
      v = *size;
    } else {
      auto parsed = parse_decimal(text);
      if (!parsed) return wrong(w, node, "a whole number");
      v = *parsed;
    }
    if (v > std::numeric_limits<T>::max()) {
      return fail_at(w, node, fmt::format("{} is too large (at most {})", text, std::numeric_limits<T>::max()));
    }
    out = static_cast<T>(v);
  }

  // "10Gi" -> 10 * 2^30. Binary suffixes only: "10G" is refused rather than
  // guessed (10^9 or 2^30?).
  static Result<uint64_t> parse_size(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    const auto number = parse_decimal(text.substr(0, digits));
    if (!number) return fail("{} is not a size (a whole number of bytes, optionally with Ki, Mi, Gi or Ti)", quote(text));
    const std::string_view suffix = text.substr(digits);
    int shift = 0;
    if (suffix == "Ki") shift = 10;
    else if (suffix == "Mi") shift = 20;
    else if (suffix == "Gi") shift = 30;
    else if (suffix == "Ti") shift = 40;
    else if (!suffix.empty()) {
      return fail("{} has an unknown size suffix {} (use Ki, Mi, Gi or Ti: binary units)", quote(text), quote(suffix));
    }
    if (*number > (std::numeric_limits<uint64_t>::max() >> shift)) return fail("{} is too large", quote(text));
    return *number << shift;
  }

  void wrong(const Where& w, const YAML::Node& node, std::string_view expected) {
    fail_at(w, node, fmt::format("expected {}, got {}", expected, kind_of(node)));
  }

  void fail_at(const Where& w, const YAML::Node& node, const std::string& message) {
    failed_.push_back(w.path);
    lines_.add(w.path, line_of(node));
    problems_.add(w.path, w.subject, "{}", w.prefixed(message));
  }

  void missing(const Where& w) {
    failed_.push_back(w.path);
    problems_.add(w.path, w.subject, "{} is missing (required)", w.field());
  }

  // A problem with the structure of a map rather than a value: reported on
  // the line of the key concerned.
  void note(const Where& w, int line, const std::string& message) {
    std::string path = w.path;
    if (line > 0) {
      path = fmt::format("{}#{}", w.path, line);
      lines_.add(path, line);
    }
    problems_.add(std::move(path), w.subject, "{}", w.prefixed(message));
  }

  SourceMap& lines_;
  Diagnostics& problems_;
  std::vector<std::string>& failed_;
  std::size_t values_ = 0;
};

bool under(std::string_view path, std::string_view prefix) {
  if (prefix.empty()) return true;
  return path.starts_with(prefix) &&
         (path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[');
}

}  // namespace

LoadedDirectory load_directory_text(std::string_view text, const std::string& name) {
  LoadedDirectory out;
  out.lines = SourceMap(name);
  Diagnostics problems;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull()) {
      problems.add("", "", "the file is empty (expected a map with managed_uid_range, managed_gid_range, users, groups)");
    } else {
      Reader reader(out.lines, problems, out.failed_paths);
      reader.record(root, out.directory, Where{});
      if (reader.exhausted()) {
        problems.add("", "", "the file expands to more than {} values (aliases?); refusing to read further", kMaxValues);
      }
    }
  } catch (const YAML::Exception& e) {
    const std::string path = "syntax";
    out.lines.add(path, e.mark.line >= 0 ? e.mark.line + 1 : 0);
    problems.add(path, "", "syntax error: {}", e.msg);
  } catch (const std::exception& e) {
    problems.add("", "", "could not be read: {}", e.what());
  }
  if (!problems.empty() && out.failed_paths.empty()) out.failed_paths.emplace_back();  // nothing is trustworthy
  out.problems = std::move(problems).items();
  return out;
}

LoadedDirectory load_directory_file(const std::string& path) {
  auto text = read_file(path, kMaxFileBytes);
  if (!text) {
    LoadedDirectory out;
    out.lines = SourceMap(path);
    out.failed_paths.emplace_back();
    out.problems.push_back({"", "", text.error().message, {}});
    return out;
  }
  return load_directory_text(*text, path);
}

std::vector<std::string> directory_file_problems(const LoadedDirectory& loaded) {
  std::vector<Diagnostic> all = loaded.problems;
  for (Diagnostic& d : validate_directory(loaded.directory)) {
    bool masked = false;
    for (const std::string& failed : loaded.failed_paths) masked = masked || under(d.path, failed);
    if (!masked) all.push_back(std::move(d));
  }
  // In file order, as an admin reads them.
  std::stable_sort(all.begin(), all.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return loaded.lines.line_of(a.path) < loaded.lines.line_of(b.path);
  });
  return format_diagnostics(all, &loaded.lines);
}

}  // namespace herd::directory
