#pragma once
// Parsers for a node's /etc/passwd, shadow, group and gshadow. Entries are
// views into the caller's text, which must outlive them; each keeps its raw
// line so unmanaged entries can be written back byte for byte.
//
// Tolerant of what real files contain: blank lines, '#' comments and NIS
// compat lines ("+", "-") are kept as opaque lines. Strict about what would
// be ambiguous: a wrong number of fields, an empty name or a non-numeric id
// is an error naming the file and line. All such lines are reported at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace herd::directory {

enum class EtcFile : uint8_t { passwd, shadow, group, gshadow };
inline constexpr std::size_t kEtcFileCount = 4;
[[nodiscard]] constexpr std::string_view etc_file_name(EtcFile f) {
  constexpr std::string_view names[] = {"passwd", "shadow", "group", "gshadow"};
  return names[static_cast<std::size_t>(f)];
}

struct PasswdEntry {
  std::string_view name, password;
  uint32_t uid = 0, gid = 0;
  std::string_view gecos, home, shell;
};

struct ShadowEntry {
  std::string_view name, password, last_change;
  std::string_view aging;  // fields 4..9 as they are ("min:max:warn:inactive:expire:reserved")
};

struct GroupEntry {
  std::string_view name, password;
  uint32_t gid = 0;
  std::string_view members;  // comma-separated
};

struct GshadowEntry {
  std::string_view name, password, admins, members;
};

template <typename Entry>
struct EtcLine {
  std::string_view raw;  // without the newline
  std::size_t number = 0;
  std::optional<Entry> entry;  // nullopt: blank, comment or NIS line, kept as is
};

template <typename Entry>
using EtcTable = std::vector<EtcLine<Entry>>;

// `label` names the file in errors ("ROOT/etc/passwd").
[[nodiscard]] Result<EtcTable<PasswdEntry>> parse_passwd(std::string_view text, std::string_view label);
[[nodiscard]] Result<EtcTable<ShadowEntry>> parse_shadow(std::string_view text, std::string_view label);
[[nodiscard]] Result<EtcTable<GroupEntry>> parse_group(std::string_view text, std::string_view label);
[[nodiscard]] Result<EtcTable<GshadowEntry>> parse_gshadow(std::string_view text, std::string_view label);

}  // namespace herd::directory
