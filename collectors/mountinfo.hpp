#pragma once
// /proc/self/mountinfo: which filesystem is mounted where. Used to tell a
// configured mount point that is not mounted from one that is, to name its
// type and source, and to find the device quotactl needs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "protocol/report_model.hpp"

namespace herd::collectors {

struct MountEntry {
  uint32_t major = 0;
  uint32_t minor = 0;
  std::string root;         // the part of the filesystem mounted here ("/" for the whole)
  std::string mount_point;  // unescaped
  std::string fs_type;
  std::string source;       // unescaped
  bool read_only = false;
};

// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
// A line of another shape is an error naming the line; octal escapes (\040) are decoded.
[[nodiscard]] Result<std::vector<MountEntry>> parse_mountinfo(std::string_view text);

// The mount whose mount point is exactly `path` (the topmost when mounts are stacked).
[[nodiscard]] const MountEntry* find_mount(const std::vector<MountEntry>& mounts, std::string_view path);

// Reads and parses `<proc_root>/self/mountinfo`.
[[nodiscard]] Result<std::vector<MountEntry>> read_mountinfo(const std::string& proc_root = "/proc");

// read_mountinfo for a collector: on failure adds the error to `report` and gives nullopt.
[[nodiscard]] std::optional<std::vector<MountEntry>> mount_table(protocol::NodeReport& report,
                                                                 std::string_view collector,
                                                                 const std::string& proc_root);

}  // namespace herd::collectors
