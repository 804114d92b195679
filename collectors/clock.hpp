#pragma once
// Collector "clock": whether the kernel clock is synchronised, from
// adjtimex(2) with no modes set (read-only; any user may call it).

#include <sys/timex.h>

#include "collectors/collector.hpp"

namespace herd::collectors {

// Interprets adjtimex's return value (with errno when it is -1) and the timex
// it filled. An error when the call failed or gave a state Linux does not define.
[[nodiscard]] Result<protocol::ClockSync> interpret_adjtimex(int state, int error, const struct timex& tx);

class ClockCollector final : public Collector {
 public:
  [[nodiscard]] std::string_view name() const override { return "clock"; }
  void collect(protocol::NodeReport& report) override;
};

}  // namespace herd::collectors
