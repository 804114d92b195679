#include "collectors/proc.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;
using namespace std::chrono_literals;

namespace herd::collectors {
namespace {

// Captured from a Debian 12 host.
constexpr std::string_view kMeminfo = R"(MemTotal:       24568412 kB
MemFree:        23416560 kB
MemAvailable:   23871932 kB
Buffers:           31844 kB
Cached:           677432 kB
SwapCached:            0 kB
SwapTotal:       1048572 kB
SwapFree:        1048000 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
)";

TEST(ParseMeminfo, ReadsTheFieldsInBytes) {
  auto info = parse_meminfo(kMeminfo);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->total_bytes, 24568412ull * 1024);
  EXPECT_EQ(info->free_bytes, 23416560ull * 1024);
  EXPECT_EQ(info->available_bytes, 23871932ull * 1024);
  EXPECT_EQ(info->swap_total_bytes, 1048572ull * 1024);
  EXPECT_EQ(info->swap_free_bytes, 1048000ull * 1024);
}

TEST(ParseMeminfo, RejectsMalformedLinesNamingTheLine) {
  EXPECT_THAT(parse_meminfo("MemTotal: lots kB\n").error().message,
              HasSubstr("meminfo line 1: MemTotal: expected \"<number> kB\""));
  EXPECT_THAT(parse_meminfo("MemTotal 5 kB\n").error().message, HasSubstr("meminfo line 1: no ':'"));
  EXPECT_THAT(parse_meminfo("MemTotal: 99999999999999999999 kB\n").error().message, HasSubstr("line 1"));
  EXPECT_THAT(parse_meminfo("MemTotal: 1 kB\n").error().message, HasSubstr("MemFree is missing"));
  EXPECT_THAT(parse_meminfo("").error().message, HasSubstr("MemTotal is missing"));
}

TEST(ParseLoadavg, ReadsAveragesAndTaskCounts) {
  auto load = parse_loadavg("0.52 0.58 1.59 2/1203 41234\n");
  ASSERT_TRUE(load.ok());
  EXPECT_DOUBLE_EQ(load->one, 0.52);
  EXPECT_DOUBLE_EQ(load->five, 0.58);
  EXPECT_DOUBLE_EQ(load->fifteen, 1.59);
  EXPECT_EQ(load->runnable, 2u);
  EXPECT_EQ(load->threads, 1203u);
}

TEST(ParseLoadavg, RejectsOtherShapes) {
  for (const char* bad : {"", "0.5 0.5", "a b c 1/2 3", "0.5 0.5 0.5 12 3", "-1 0 0 1/1 1", "nan 0 0 1/1 1"}) {
    EXPECT_FALSE(parse_loadavg(bad).ok()) << bad;
  }
}

TEST(ParseUptime, ReadsSecondsSinceBoot) {
  EXPECT_EQ(*parse_uptime("12345.67 23456.78\n"), 12'345'670ms);
  EXPECT_FALSE(parse_uptime("soon").ok());
  EXPECT_FALSE(parse_uptime("").ok());
}

TEST(ProcReaders, GiveSaneNumbersOnThisMachine) {
  auto mem = read_meminfo();
  ASSERT_TRUE(mem.ok()) << mem.error().message;
  EXPECT_GT(mem->total_bytes, 64ull << 20);
  EXPECT_LE(mem->available_bytes, mem->total_bytes);
  auto load = read_loadavg();
  ASSERT_TRUE(load.ok()) << load.error().message;
  EXPECT_GE(load->threads, 1u);
  auto up = read_uptime();
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_GT(up->count(), 0);
}

}  // namespace
}  // namespace herd::collectors
