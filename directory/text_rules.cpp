#include "directory/text_rules.hpp"

#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "protocol/directory_model.hpp"

namespace herd::directory {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-'; }

// Whether any byte is below 0x20 or is 0x7f, eight bytes at a time (the
// classic "has a byte less than n" bit trick): every field of every record is
// checked, 2 MB of them in a 10,000-user directory.
bool any_control(std::string_view value) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, value.data() + i, 8);
    const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
    const uint64_t del = x ^ (kOnes * 0x7f);
    const uint64_t is_del = (del - kOnes) & ~del & kHighs;
    if ((below_space | is_del) != 0) return true;
  }
  for (; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > protocol::kMaxNameLength) {
    return fmt::format("is {} characters long (at most {})", name.size(), protocol::kMaxNameLength);
  }
  if (!is_name_start(name.front())) return "must start with a lowercase letter or '_' ([a-z_][a-z0-9_-]*)";
  for (char c : name) {
    if (!is_name_char(c)) return "may contain only lowercase letters, digits, '_' and '-' ([a-z_][a-z0-9_-]*)";
  }
  return {};
}


std::string control_problem(std::string_view value) {
  // Almost every value is clean: a fast pass decides, and only a value with
  // a problem is walked again to say where.
  if (!any_control(value)) return {};
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (byte == '\n') return fmt::format("contains a newline at offset {}", i);
    if (byte < 0x20 || byte == 0x7f) return fmt::format("contains the control character 0x{:02x} at offset {}", byte, i);
  }
  return {};
}

std::string etc_field_problem(std::string_view value) {
  if (auto p = control_problem(value); !p.empty()) return p;
  if (const auto colon = value.find(':'); colon != std::string_view::npos) {
    return fmt::format("contains ':' at offset {} (the field separator of /etc files)", colon);
  }
  return {};
}

std::string absolute_path_problem(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.front() != '/') return "is not an absolute path";
  if (path.size() > protocol::kMaxPathLength) {
    return fmt::format("is {} bytes long (at most {})", path.size(), protocol::kMaxPathLength);
  }
  if (auto p = control_problem(path); !p.empty()) return p;
  if (path == "/") return {};
  std::size_t start = 1;
  for (;;) {
    const std::size_t end = path.find('/', start);
    const std::string_view part = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part.empty()) return "has an empty component ('//' or a trailing '/')";
    if (part == "." || part == "..") return fmt::format("has a \"{}\" component", part);
    if (end == std::string_view::npos) return {};
    start = end + 1;
  }
}

}  // namespace herd::directory
