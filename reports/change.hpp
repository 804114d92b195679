#pragma once
// Whether a new report says something different from the last one sent: a
// change of state a person would care about (a mount hung, a link down, a
// unit failed, the verdict changed), not of counters (bytes, load, usage).
// The agent sends a report at once on such a change and otherwise waits for
// report_interval.

#include <cstdint>

#include "protocol/report_model.hpp"

namespace herd::reports {

[[nodiscard]] uint64_t state_fingerprint(const protocol::NodeReport& report);

}  // namespace herd::reports
