#include "common/time_format.hpp"

#include <gtest/gtest.h>

namespace herd {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(from_unix_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(1'763'923'445'123)), "2025-11-23T18:44:05.123Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339, ParsesWhatItFormats) {
  const WallTime t = from_unix_ms(1'763'923'445'123);
  EXPECT_EQ(to_unix_ms(*parse_rfc3339(format_rfc3339(t))), 1'763'923'445'123);
}

TEST(Rfc3339, ParsesOffsetsAndShortForms) {
  EXPECT_EQ(to_unix_ms(*parse_rfc3339("2025-11-23T19:44:05+01:00")), 1'763'923'445'000);
  EXPECT_EQ(to_unix_ms(*parse_rfc3339("2025-11-23 18:44")), 1'763'923'440'000);
}

TEST(Rfc3339, RejectsWhatIsNotATime) {
  for (const char* bad : {"", "tomorrow", "2025-13-01T00:00Z", "2025-02-30T00:00Z", "2025-11-23T18:44:05Q",
                          "2025-11-23T25:00", "2025-11-23T18:44:05.Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace herd
