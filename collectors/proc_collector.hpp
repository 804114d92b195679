#pragma once
// Collector "proc": uptime, load, CPU use, memory, swap, process counts and
// OOM kills, all from /proc. Each file that cannot be read or parsed leaves
// its fields absent and adds an error; the others are still reported.

#include <optional>
#include <string>

#include "collectors/collector.hpp"
#include "collectors/proc_stat.hpp"
#include "common/clock.hpp"

namespace herd::collectors {

class ProcCollector final : public Collector {
 public:
  explicit ProcCollector(const Clock& clock, std::string proc_root = "/proc")
      : clock_(clock), proc_root_(std::move(proc_root)) {}
  [[nodiscard]] std::string_view name() const override { return "proc"; }
  void collect(protocol::NodeReport& report) override;

 private:
  void collect_cpu(protocol::NodeReport& report, const ProcStat& stat);

  const Clock& clock_;
  std::string proc_root_;
  // The previous sample: CPU shares are measured between two collections.
  std::optional<CpuTicks> last_ticks_;
  MonoTime last_time_{};
};

}  // namespace herd::collectors
