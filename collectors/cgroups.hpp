#pragma once
// Collector "cgroups": each user's systemd slice under cgroup v2
// (<root>/user.slice/user-UID.slice): memory and CPU limits and use, tasks.
// A file that is absent because its controller is not enabled for the slice
// leaves its fields absent; a file with unexpected content is an error.

#include <cstdint>
#include <optional>
#include <string>

#include "collectors/collector.hpp"
#include "collectors/users.hpp"

namespace herd::collectors {

// "max" -> nullopt (no limit); "123" -> 123; anything else is an error.
[[nodiscard]] Result<std::optional<uint64_t>> parse_cgroup_limit(std::string_view text);

struct CpuMax {
  std::optional<uint64_t> quota_us;  // nullopt: "max"
  uint64_t period_us = 0;
};
// cpu.max: "max 100000" or "50000 100000".
[[nodiscard]] Result<CpuMax> parse_cpu_max(std::string_view text);

// cpu.stat: the usage_usec line.
[[nodiscard]] Result<uint64_t> parse_cpu_stat_usage(std::string_view text);

// Reads one slice directory into a row; fields whose files are absent stay absent.
[[nodiscard]] Result<protocol::UserSlice> read_user_slice(const std::string& directory, uint32_t uid);

class CgroupsCollector final : public Collector {
 public:
  // `root`: the cgroup v2 mount ("/sys/fs/cgroup"; "/sys/fs/cgroup/unified" on hybrid systems).
  CgroupsCollector(std::string root, UidRange range) : root_(std::move(root)), range_(range) {}
  [[nodiscard]] std::string_view name() const override { return "cgroups"; }
  void collect(protocol::NodeReport& report) override;

 private:
  std::string root_;
  UidRange range_;
};

}  // namespace herd::collectors
