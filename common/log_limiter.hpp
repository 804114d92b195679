#pragma once
// Keeps a flood of identical warnings (a peer sending garbage 10,000 times a
// second) from drowning the log: at most `burst` messages per window, then a
// count of what was suppressed. Pure; the caller passes the time.

#include <chrono>
#include <cstdint>

#include "common/clock.hpp"

namespace herd {

class LogLimiter {
 public:
  LogLimiter(uint32_t burst, std::chrono::milliseconds window) : burst_(burst), window_(window) {}

  struct Decision {
    bool log = false;
    uint64_t suppressed_before = 0;  // messages dropped in the previous window, to mention once
  };

  Decision allow(MonoTime now) {
    Decision d;
    if (now - window_start_ >= window_) {
      d.suppressed_before = suppressed_;
      suppressed_ = 0;
      used_ = 0;
      window_start_ = now;
    }
    if (used_ < burst_) {
      ++used_;
      d.log = true;
    } else {
      ++suppressed_;
    }
    return d;
  }

 private:
  uint32_t burst_;
  std::chrono::milliseconds window_;
  MonoTime window_start_{};
  uint32_t used_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace herd
