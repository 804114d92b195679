#include "common/log_limiter.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd {
namespace {

TEST(LogLimiter, AllowsABurstThenCountsWhatItSuppressed) {
  ManualClock clock;
  LogLimiter limiter(3, 10s);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.allow(clock.monotonic()).log);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.allow(clock.monotonic()).log);
  clock.advance(10s);
  const auto next = limiter.allow(clock.monotonic());
  EXPECT_TRUE(next.log);
  EXPECT_EQ(next.suppressed_before, 5u);
  EXPECT_EQ(limiter.allow(clock.monotonic()).suppressed_before, 0u);  // mentioned once
}

}  // namespace
}  // namespace herd
