#pragma once
// /proc/stat and /proc/vmstat: CPU time counters, process counters and the
// OOM-kill count. Pure parsers plus the arithmetic that turns two CPU
// samples into shares of time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "protocol/report_model.hpp"

namespace herd::collectors {

// The aggregate "cpu" line, in USER_HZ ticks.
struct CpuTicks {
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  [[nodiscard]] uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
};

struct ProcStat {
  CpuTicks cpu;
  uint32_t cpus = 0;  // "cpuN" lines: CPUs online
  uint64_t forks = 0;
  uint32_t running = 0;
  uint32_t blocked = 0;
};

// "cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0" ... "processes 1234" "procs_running 2" ...
[[nodiscard]] Result<ProcStat> parse_proc_stat(std::string_view text);

// Shares of time between two samples; an error when the counters went
// backwards or did not move (the same sample twice).
[[nodiscard]] Result<protocol::CpuUse> cpu_use_between(const CpuTicks& before, const CpuTicks& after,
                                                       uint64_t interval_ms);

// The oom_kill counter of /proc/vmstat (kernels >= 4.13); absent on older kernels.
[[nodiscard]] Result<std::optional<uint64_t>> parse_vmstat_oom_kills(std::string_view text);

// Numeric entries of `proc_root`: processes (threads are not listed there).
[[nodiscard]] Result<uint32_t> count_processes(const std::string& proc_root);

}  // namespace herd::collectors
