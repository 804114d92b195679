#include "collectors/cgroups.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;

namespace herd::collectors {
namespace {

TEST(ParseCgroupLimit, MaxIsNoLimit) {
  EXPECT_EQ(*parse_cgroup_limit("max\n"), std::nullopt);
  EXPECT_EQ(*parse_cgroup_limit("1073741824\n"), std::optional<uint64_t>{1073741824});
  for (std::string_view bad : {"", "-1", "1G", "max max", "unlimited"}) {
    EXPECT_FALSE(parse_cgroup_limit(bad).ok()) << bad;
  }
}

TEST(ParseCpuMax, QuotaAndPeriod) {
  auto max = parse_cpu_max("max 100000\n");
  ASSERT_TRUE(max.ok());
  EXPECT_FALSE(max->quota_us.has_value());
  EXPECT_EQ(max->period_us, 100000u);
  EXPECT_EQ(parse_cpu_max("50000 100000\n")->quota_us, 50000u);
  for (std::string_view bad : {"", "50000", "50000 0", "x 100000", "1 2 3"}) {
    EXPECT_FALSE(parse_cpu_max(bad).ok()) << bad;
  }
}

TEST(ParseCpuStat, FindsUsage) {
  EXPECT_EQ(*parse_cpu_stat_usage("usage_usec 1234\nuser_usec 1000\nsystem_usec 234\n"), 1234u);
  EXPECT_THAT(parse_cpu_stat_usage("user_usec 1\n").error().message, HasSubstr("no usage_usec"));
  EXPECT_FALSE(parse_cpu_stat_usage("usage_usec lots\n").ok());
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ReadUserSlice, ReadsTheFilesThatExistAndLeavesTheRestAbsent) {
  herd::test::TempDir dir;
  write(dir / "memory.current", "4096\n");
  write(dir / "memory.max", "2147483648\n");
  write(dir / "memory.high", "max\n");
  write(dir / "cpu.max", "200000 100000\n");
  write(dir / "cpu.stat", "usage_usec 99\n");
  write(dir / "cpu.weight", "100\n");
  auto slice = read_user_slice(dir.path(), 1001);
  ASSERT_TRUE(slice.ok()) << slice.error().message;
  EXPECT_EQ(slice->uid, 1001u);
  EXPECT_EQ(slice->memory_bytes, 4096u);
  EXPECT_EQ(slice->memory_max_bytes, 2147483648u);
  EXPECT_FALSE(slice->memory_high_bytes.has_value());
  EXPECT_EQ(slice->cpu_quota_us, 200000u);
  EXPECT_EQ(slice->cpu_period_us, 100000u);
  EXPECT_EQ(slice->cpu_usage_us, 99u);
  EXPECT_EQ(slice->cpu_weight, 100u);
  EXPECT_FALSE(slice->tasks.has_value());  // no pids controller: absent, not 0
}

TEST(ReadUserSlice, AFileOfUnexpectedContentIsAnErrorNamingIt) {
  herd::test::TempDir dir;
  write(dir / "memory.current", "a lot\n");
  EXPECT_THAT(read_user_slice(dir.path(), 1).error().message, HasSubstr("memory.current"));
  write(dir / "memory.current", "1\n");
  write(dir / "cpu.weight", "0\n");
  EXPECT_THAT(read_user_slice(dir.path(), 1).error().message, HasSubstr("cpu.weight 0"));
}

TEST(CgroupsCollector, RefusesARootThatIsNotCgroupV2) {
  herd::test::TempDir dir;
  CgroupsCollector collector(dir.path(), UidRange{});
  protocol::NodeReport report;
  collector.collect(report);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0].reason, HasSubstr("not a cgroup v2 hierarchy"));
}

}  // namespace
}  // namespace herd::collectors
