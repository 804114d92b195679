#pragma once
// Time is injected, never read from a global: timeouts use the monotonic
// clock, what people see (since, last seen, event times) uses wall time.
// Tests drive a ManualClock and check "down after 3 s" in microseconds.

#include <chrono>
#include <cstdint>

namespace herd {

using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual MonoTime monotonic() const = 0;
  [[nodiscard]] virtual WallTime wall() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] MonoTime monotonic() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] WallTime wall() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to; for tests and simulations.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime start = WallTime{std::chrono::seconds{1'700'000'000}})
      : wall_(start) {}
  [[nodiscard]] MonoTime monotonic() const override { return mono_; }
  [[nodiscard]] WallTime wall() const override { return wall_; }
  void advance(std::chrono::nanoseconds step) { mono_ += step; wall_ += std::chrono::duration_cast<WallTime::duration>(step); }
  void set_wall(WallTime t) { wall_ = t; }  // wall time may jump; monotonic never does

 private:
  MonoTime mono_{std::chrono::hours{1}};
  WallTime wall_;
};

// Milliseconds since the Unix epoch: the wire and database representation of wall time.
[[nodiscard]] inline int64_t to_unix_ms(WallTime t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
[[nodiscard]] inline WallTime from_unix_ms(int64_t ms) { return WallTime{Millis{ms}}; }

}  // namespace herd
