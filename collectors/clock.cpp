#include "collectors/clock.hpp"

#include <cerrno>
#include <cstring>

namespace herd::collectors {

Result<protocol::ClockSync> interpret_adjtimex(int state, int error, const struct timex& tx) {
  if (state < 0) return fail("adjtimex failed: {}", std::strerror(error));
  if (state > TIME_ERROR) return fail("adjtimex returned unknown clock state {}", state);
  protocol::ClockSync sync;
  sync.synchronized = state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
  // With STA_NANO the offset is in nanoseconds, otherwise microseconds.
  sync.offset_us = (tx.status & STA_NANO) != 0 ? tx.offset / 1000 : tx.offset;
  sync.max_error_us = tx.maxerror;
  sync.estimated_error_us = tx.esterror;
  return sync;
}

void ClockCollector::collect(protocol::NodeReport& report) {
  struct timex tx {};
  tx.modes = 0;  // read only
  const int state = ::adjtimex(&tx);
  auto sync = interpret_adjtimex(state, errno, tx);
  if (sync) {
    report.health.clock = *sync;
  } else {
    add_error(report, name(), "adjtimex", sync.error());
  }
}

}  // namespace herd::collectors
