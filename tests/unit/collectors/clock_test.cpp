#include "collectors/clock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;

namespace herd::collectors {
namespace {

TEST(InterpretAdjtimex, SynchronisedWhenStateIsOkAndUnsyncIsClear) {
  struct timex tx {};
  tx.status = STA_PLL;
  tx.offset = -250;
  tx.maxerror = 16000;
  tx.esterror = 12;
  auto sync = interpret_adjtimex(TIME_OK, 0, tx);
  ASSERT_TRUE(sync.ok());
  EXPECT_TRUE(sync->synchronized);
  EXPECT_EQ(sync->offset_us, -250);
  EXPECT_EQ(sync->max_error_us, 16000);
  EXPECT_EQ(sync->estimated_error_us, 12);
}

TEST(InterpretAdjtimex, UnsynchronisedOnTimeErrorOrUnsyncFlag) {
  struct timex tx {};
  tx.status = STA_UNSYNC;
  EXPECT_FALSE(interpret_adjtimex(TIME_OK, 0, tx)->synchronized);
  tx.status = 0;
  EXPECT_FALSE(interpret_adjtimex(TIME_ERROR, 0, tx)->synchronized);
}

TEST(InterpretAdjtimex, NanosecondOffsetsAreScaled) {
  struct timex tx {};
  tx.status = STA_NANO;
  tx.offset = 5'000'000;
  EXPECT_EQ(interpret_adjtimex(TIME_OK, 0, tx)->offset_us, 5'000);
}

TEST(InterpretAdjtimex, AFailedCallOrUnknownStateIsAnError) {
  struct timex tx {};
  EXPECT_THAT(interpret_adjtimex(-1, EPERM, tx).error().message, HasSubstr("Operation not permitted"));
  EXPECT_THAT(interpret_adjtimex(42, 0, tx).error().message, HasSubstr("unknown clock state 42"));
}

TEST(ClockCollector, ReadsThisMachinesClock) {
  ClockCollector collector;
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_TRUE(report.health.clock.has_value());
}

}  // namespace
}  // namespace herd::collectors
