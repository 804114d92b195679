#include "collectors/proc_stat.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collectors/proc_collector.hpp"
#include "samples.hpp"
#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;

namespace herd::collectors {
namespace {

TEST(ParseProcStat, ReadsTheCapturedSample) {
  auto stat = parse_proc_stat(test::sample("proc_stat.txt"));
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->cpu.user, 99837u);
  EXPECT_EQ(stat->cpu.system, 27341u);
  EXPECT_EQ(stat->cpu.idle, 229574u);
  EXPECT_EQ(stat->cpu.iowait, 1699u);
  EXPECT_EQ(stat->cpu.steal, 1509u);
  EXPECT_EQ(stat->cpus, 2u);
  EXPECT_GT(stat->forks, 0u);
}

TEST(ParseProcStat, RejectsLinesOfAnotherShape) {
  const std::string tail = "procs_running 1\nprocs_blocked 0\n";
  EXPECT_THAT(parse_proc_stat("cpu 1 2 3\n" + tail).error().message, HasSubstr("line 1"));
  EXPECT_THAT(parse_proc_stat("cpu 1 2 3 x 5 6 7 8\n" + tail).error().message, HasSubstr("8 or more counters"));
  EXPECT_THAT(parse_proc_stat("cpu -1 2 3 4 5 6 7 8\n" + tail).error().message, HasSubstr("line 1"));
  EXPECT_THAT(parse_proc_stat(tail).error().message, HasSubstr("no aggregate"));
  EXPECT_THAT(parse_proc_stat("cpu 1 2 3 4 5 6 7 8\nprocs_running lots\nprocs_blocked 0\n").error().message,
              HasSubstr("line 2: procs_running"));
  EXPECT_THAT(parse_proc_stat("cpu 1 2 3 4 5 6 7 8\n").error().message, HasSubstr("missing"));
  EXPECT_FALSE(parse_proc_stat("").ok());
}

TEST(CpuUse, IsTheShareOfEachModeBetweenTwoSamples) {
  CpuTicks before{100, 0, 50, 800, 50, 0, 0, 0};
  CpuTicks after{160, 20, 70, 880, 70, 0, 0, 0};  // +80 user, +20 system, +80 idle, +20 iowait
  auto use = cpu_use_between(before, after, 10'000);
  ASSERT_TRUE(use.ok()) << use.error().message;
  EXPECT_DOUBLE_EQ(use->user, 0.4);
  EXPECT_DOUBLE_EQ(use->system, 0.1);
  EXPECT_DOUBLE_EQ(use->iowait, 0.1);
  EXPECT_DOUBLE_EQ(use->busy, 0.5);
  EXPECT_EQ(use->interval_ms, 10'000u);
}

TEST(CpuUse, RefusesCountersThatWentBackwardsOrStood) {
  CpuTicks before{100, 0, 50, 800, 50, 0, 0, 0};
  CpuTicks after = before;
  after.user = 99;
  EXPECT_THAT(cpu_use_between(before, after, 1).error().message, HasSubstr("backwards"));
  EXPECT_THAT(cpu_use_between(before, before, 1).error().message, HasSubstr("did not advance"));
}

TEST(ParseVmstat, FindsOomKillsOrSaysTheKernelHasNone) {
  auto kills = parse_vmstat_oom_kills(test::sample("vmstat.txt"));
  ASSERT_TRUE(kills.ok());
  EXPECT_EQ(*kills, std::optional<uint64_t>{0});
  EXPECT_EQ(*parse_vmstat_oom_kills("pgfault 1\noom_kill 17\n"), std::optional<uint64_t>{17});
  EXPECT_EQ(*parse_vmstat_oom_kills("pgfault 1\n"), std::nullopt);  // kernel < 4.13
  EXPECT_THAT(parse_vmstat_oom_kills("oom_kill 1e3\n").error().message, HasSubstr("line 1: oom_kill"));
}

// A /proc tree of our own: every file the collector reads, some of them broken.
class FakeProc {
 public:
  FakeProc() {
    write("uptime", "100.5 50.0\n");
    write("loadavg", "0.50 1.00 1.50 2/300 999\n");
    write("meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 500 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n");
    write("stat", "cpu 10 0 10 80 0 0 0 0\ncpu0 10 0 10 80 0 0 0 0\nprocesses 7\nprocs_running 1\nprocs_blocked 0\n");
    write("vmstat", "oom_kill 3\n");
    std::filesystem::create_directory(dir_ / "1");
    std::filesystem::create_directory(dir_ / "42");
    std::filesystem::create_directory(dir_ / "self");
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  [[nodiscard]] const std::string& root() const { return dir_.path(); }

 private:
  herd::test::TempDir dir_;
};

TEST(ProcCollector, FillsHealthFromAProcTree) {
  FakeProc proc;
  ManualClock clock;
  ProcCollector collector(clock, proc.root());
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().reason;
  EXPECT_EQ(report.health.uptime_ms, 100'500u);
  EXPECT_EQ(report.health.cpus, 1u);
  EXPECT_EQ(report.health.memory->available_bytes, 500u * 1024);
  EXPECT_EQ(report.health.processes->count, 2u);
  EXPECT_EQ(report.health.processes->threads, 300u);
  EXPECT_EQ(report.health.oom_kills, 3u);
  ASSERT_TRUE(report.health.cpu.has_value());
  EXPECT_DOUBLE_EQ(report.health.cpu->busy, 0.2);  // since boot on the first collection

  proc.write("stat", "cpu 30 0 10 100 0 0 0 0\ncpu0 1 1 1 1 1 1 1 1\nprocesses 7\nprocs_running 1\nprocs_blocked 0\n");
  clock.advance(std::chrono::seconds(10));
  protocol::NodeReport second;
  collector.collect(second);
  ASSERT_TRUE(second.health.cpu.has_value());
  EXPECT_DOUBLE_EQ(second.health.cpu->busy, 0.5);  // +20 user of +40 total
  EXPECT_EQ(second.health.cpu->interval_ms, 10'000u);
}

TEST(ProcCollector, ReportsABrokenFileAsAnErrorAndKeepsTheRest) {
  FakeProc proc;
  proc.write("meminfo", "MemTotal: many kB\n");
  proc.write("vmstat", "oom_kill -1\n");
  ManualClock clock;
  ProcCollector collector(clock, proc.root());
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_FALSE(report.health.memory.has_value());  // absent, not zero
  EXPECT_FALSE(report.health.oom_kills.has_value());
  EXPECT_EQ(report.health.uptime_ms, 100'500u);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_EQ(report.errors[0].collector, "proc");
  EXPECT_THAT(report.errors[0].subject, HasSubstr("meminfo"));
  EXPECT_THAT(report.errors[0].reason, HasSubstr("MemTotal"));
  EXPECT_THAT(report.errors[1].reason, HasSubstr("oom_kill"));
}

TEST(ProcCollector, GivesSaneNumbersOnThisMachine) {
  SystemClock clock;
  ProcCollector collector(clock);
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().reason;
  EXPECT_GE(report.health.cpus, 1u);
  ASSERT_TRUE(report.health.processes.has_value());
  EXPECT_GE(report.health.processes->count, 1u);
  EXPECT_GE(report.health.processes->threads, report.health.processes->count);
  ASSERT_TRUE(report.health.cpu.has_value());
  EXPECT_GE(report.health.cpu->busy, 0.0);
  EXPECT_LE(report.health.cpu->busy, 1.0);
  EXPECT_GT(report.health.memory->total_bytes, 0u);
}

}  // namespace
}  // namespace herd::collectors
