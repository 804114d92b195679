#include "common/duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd {
namespace {

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(*parse_duration("250ms"), 250ms);
  EXPECT_EQ(*parse_duration("1s"), 1000ms);
  EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(*parse_duration("2m"), 120'000ms);
  EXPECT_EQ(*parse_duration("1h"), 3'600'000ms);
  EXPECT_EQ(*parse_duration("1d"), 86'400'000ms);
}

TEST(ParseDuration, RejectsMalformedTextWithTheReason) {
  EXPECT_NE(parse_duration("").error().message.find("expected a number"), std::string::npos);
  EXPECT_NE(parse_duration("10").error().message.find("missing unit"), std::string::npos);
  EXPECT_NE(parse_duration("10 s").error().message.find("unknown unit \" s\""), std::string::npos);
  EXPECT_NE(parse_duration("1.2.3s").error().message.find("not a number"), std::string::npos);
  EXPECT_NE(parse_duration("-1s").error().message.find("expected a number"), std::string::npos);
  EXPECT_NE(parse_duration("99999999999999999d").error().message.find("too long"), std::string::npos);
}

TEST(FormatDuration, UsesTwoUnitsAtMost) {
  EXPECT_EQ(format_duration(850ms), "850ms");
  EXPECT_EQ(format_duration(4200ms), "4.2s");
  EXPECT_EQ(format_duration(42s), "42s");
  EXPECT_EQ(format_duration(192s), "3m12s");
  EXPECT_EQ(format_duration(5h + 3min), "5h03m");
  EXPECT_EQ(format_duration(24h * 12 + 4h), "12d4h");
  EXPECT_EQ(format_duration(-2s), "-2.0s");
}

}  // namespace
}  // namespace herd
