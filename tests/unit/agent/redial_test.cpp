#include "agent/redial.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::agent {
namespace {

TEST(Redial, NeverWhileNoHandshakeWasRefused) {
  ManualClock clock;
  RedialPolicy p(1s, 30s);
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(p.due(clock.monotonic(), false, 0.5));
    clock.advance(1s);
  }
}

TEST(Redial, BacksOffWhileRefusedUpToTheCapAndStartsOverOnSuccess) {
  ManualClock clock;
  RedialPolicy p(1s, 8s);
  std::vector<MonoTime> redials;
  for (int i = 0; i < 600; ++i) {  // 60 s in 100 ms steps
    if (p.due(clock.monotonic(), true, 0.999)) redials.push_back(clock.monotonic());
    clock.advance(100ms);
  }
  ASSERT_GE(redials.size(), 6u);
  for (std::size_t i = 2; i < redials.size(); ++i) {
    EXPECT_GE(redials[i] - redials[i - 1], redials[i - 1] - redials[i - 2] - 100ms) << "never faster";
    EXPECT_LE(redials[i] - redials[i - 1], 8s + 100ms) << "capped";
  }
  EXPECT_GE(redials.back() - redials[redials.size() - 2], 7s);
  EXPECT_FALSE(p.due(clock.monotonic(), false, 0.5));
  EXPECT_EQ(p.interval(), 1s);
}

TEST(Redial, TheFirstRedialIsOneIntervalAfterTheRefusal) {
  ManualClock clock;
  RedialPolicy p(1s, 30s);
  EXPECT_FALSE(p.due(clock.monotonic(), true, 0.0));
  clock.advance(900ms);
  EXPECT_FALSE(p.due(clock.monotonic(), true, 0.0));
  clock.advance(100ms);
  EXPECT_TRUE(p.due(clock.monotonic(), true, 0.0));
}

}  // namespace
}  // namespace herd::agent
