#include "collectors/health_checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/config_reader.hpp"

using testing::HasSubstr;

namespace herd::collectors {
namespace {

using protocol::Verdict;

protocol::NodeReport healthy() {
  protocol::NodeReport r;
  r.health.cpus = 4;
  r.health.load = std::array<double, 3>{1, 2, 3};
  r.health.memory = protocol::Memory{1000, 500, 100, 0, 0};
  protocol::MountUsage scratch;
  scratch.path = "/scratch";
  scratch.state = protocol::MountState::ok;
  scratch.used_bytes = 90;
  scratch.available_bytes = 10;
  r.health.mounts.push_back(scratch);
  protocol::Link eth0;
  eth0.name = "eth0";
  eth0.oper_state = "up";
  r.health.links.push_back(eth0);
  r.health.units.push_back({"sshd.service", "loaded", "active", "running", 1'700'000'000'000});
  r.health.systemd = protocol::SystemdState{"running", 0, {}};
  r.health.clock = protocol::ClockSync{true, 0, 0, 0};
  return r;
}

HealthChecks checks() {
  HealthChecks c;
  c.load_per_core_warn = 2;
  c.load_per_core_fail = 4;
  c.mounts.push_back({"/scratch", 85, 95, Severity::fail});
  c.links.push_back({"eth0", "up", Severity::fail});
  c.units.push_back({"sshd.service", "active", Severity::fail});
  return c;
}

TEST(Evaluate, AllExpectationsMetIsOk) {
  HealthChecks c = checks();
  c.mounts[0].warn_used_percent.reset();
  const auto verdict = evaluate(healthy(), c);
  EXPECT_EQ(verdict.verdict, Verdict::ok);
  EXPECT_TRUE(verdict.findings.empty());
}

TEST(Evaluate, AMountNearFullWarnsAndAFullOneFails) {
  auto report = healthy();
  auto v = evaluate(report, checks());
  EXPECT_EQ(v.verdict, Verdict::warn);
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].check, "mount:/scratch");
  EXPECT_EQ(v.findings[0].message, "/scratch 90% used (warn at 85%)");

  report.health.mounts[0].used_bytes = 941;  // 94.1% is shown as df shows it: 95%
  report.health.mounts[0].available_bytes = 59;
  v = evaluate(report, checks());
  EXPECT_EQ(v.verdict, Verdict::fail);
  EXPECT_EQ(v.findings[0].message, "/scratch 95% used (limit 95%)");
}

TEST(Evaluate, HungOrMissingMountsFail) {
  auto report = healthy();
  report.health.mounts[0] = {};
  report.health.mounts[0].path = "/scratch";
  report.health.mounts[0].state = protocol::MountState::hung;
  report.health.mounts[0].hung_since_ms = 1'700'000'000'000;
  auto v = evaluate(report, checks());
  EXPECT_EQ(v.verdict, Verdict::fail);
  EXPECT_THAT(v.findings[0].message, HasSubstr("/scratch hung: statvfs unanswered since 2023-11-14T22:13:20"));
  report.health.mounts[0].state = protocol::MountState::not_mounted;
  EXPECT_EQ(evaluate(report, checks()).findings[0].message, "/scratch is not mounted");
  report.health.mounts.clear();
  EXPECT_EQ(evaluate(report, checks()).findings[0].message, "/scratch was not measured");
}

TEST(Evaluate, LinksAndUnitsMustBeInTheirExpectedState) {
  auto report = healthy();
  report.health.mounts[0].used_bytes = 10;
  report.health.links[0].oper_state = "down";
  report.health.units[0].active_state = "failed";
  report.health.units[0].sub_state = "failed";
  auto v = evaluate(report, checks());
  EXPECT_EQ(v.verdict, Verdict::fail);
  ASSERT_EQ(v.findings.size(), 2u);
  EXPECT_EQ(v.findings[0].message, "link eth0 is down (expected up)");
  EXPECT_THAT(v.findings[1].message, HasSubstr("sshd.service is failed (failed) since 2023-11-14T22:13:20"));
  report.health.units[0].load_state = "not-found";
  EXPECT_EQ(evaluate(report, checks()).findings[1].message, "sshd.service does not exist");
}

TEST(Evaluate, LoadPerCoreUsesTheFiveMinuteAverage) {
  auto report = healthy();
  report.health.mounts[0].used_bytes = 10;
  report.health.load = std::array<double, 3>{100, 9, 0};  // 9 / 4 = 2.25 per core
  auto v = evaluate(report, checks());
  EXPECT_EQ(v.verdict, Verdict::warn);
  EXPECT_EQ(v.findings[0].message, "load 2.25 per core over 5 min (4 CPUs), limit 2.00");
  report.health.load = std::array<double, 3>{0, 16, 0};
  EXPECT_EQ(evaluate(report, checks()).verdict, Verdict::fail);
}

TEST(Evaluate, FailedUnitsClockAndCollectorErrorsFollowTheirConfiguredLevel) {
  auto report = healthy();
  report.health.mounts[0].used_bytes = 10;
  report.health.systemd = protocol::SystemdState{"degraded", 7, {"a.service", "b.service"}};
  report.health.clock->synchronized = false;
  report.errors.push_back({"mounts", "/data", "statvfs failed: EIO"});
  HealthChecks c = checks();
  auto v = evaluate(report, c);
  EXPECT_EQ(v.verdict, Verdict::warn);  // all three default to warn
  ASSERT_EQ(v.findings.size(), 3u);
  EXPECT_EQ(v.findings[0].message, "7 failed units: a.service, b.service, ...");
  EXPECT_EQ(v.findings[1].message, "clock is not synchronised");
  EXPECT_EQ(v.findings[2].message, "1 collector error, first: mounts /data: statvfs failed: EIO");
  c.failed_units = Severity::fail;
  c.clock_unsynced = Severity::off;
  c.collector_errors = Severity::off;
  v = evaluate(report, c);
  EXPECT_EQ(v.verdict, Verdict::fail);
  EXPECT_EQ(v.findings.size(), 1u);
}

TEST(ReadHealthChecks, ReadsEveryKey) {
  auto reader = ConfigReader::parse(R"(
[checks]
load_per_core_warn = 1.5
load_per_core_fail = 3
memory_available_percent_warn = 5
failed_units = "fail"
clock_unsynced = "off"
[[checks.mount]]
path = "/scratch"
warn_used_percent = 85
max_used_percent = 95
[[checks.link]]
name = "eth0"
[[checks.unit]]
name = "slurmd.service"
level = "warn"
)", "agent.toml");
  ASSERT_TRUE(reader.ok());
  HealthChecks c;
  reader->section("checks", [&](ConfigReader& r) { read_health_checks(r, c); });
  ASSERT_TRUE(reader->finish().ok());
  EXPECT_EQ(c.load_per_core_warn, 1.5);
  EXPECT_EQ(c.load_per_core_fail, 3.0);
  EXPECT_EQ(c.failed_units, Severity::fail);
  EXPECT_EQ(c.clock_unsynced, Severity::off);
  EXPECT_EQ(c.collector_errors, Severity::warn);
  ASSERT_EQ(c.mounts.size(), 1u);
  EXPECT_EQ(c.mounts[0].warn_used_percent, 85.0);
  EXPECT_EQ(c.links[0].state, "up");
  EXPECT_EQ(c.units[0].level, Severity::warn);
  EXPECT_EQ(c.units[0].active, "active");
}

TEST(ReadHealthChecks, NamesTheLineOfEveryMistake) {
  auto reader = ConfigReader::parse(R"([checks]
failed_units = "loud"
load_per_core_warn = "high"
[[checks.mount]]
max_used_percent = 120
)", "agent.toml");
  ASSERT_TRUE(reader.ok());
  HealthChecks c;
  reader->section("checks", [&](ConfigReader& r) { read_health_checks(r, c); });
  const auto status = reader->finish();
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("agent.toml:2: checks.failed_units: \"loud\" is not one of"));
  EXPECT_THAT(status.error().message, HasSubstr("agent.toml:3: checks.load_per_core_warn: expected a number"));
  EXPECT_THAT(status.error().message, HasSubstr("missing required key checks.mount[0].path"));
  EXPECT_THAT(status.error().message, HasSubstr("max_used_percent: 120 is outside"));
}

}  // namespace
}  // namespace herd::collectors
