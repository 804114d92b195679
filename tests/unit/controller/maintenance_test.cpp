// Maintenance as pure logic: requests checked against the node table, the
// transitions of one node, their events, and when the next one expires.

#include "controller/maintenance.hpp"
#include "controller/status_view.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace std::chrono_literals;
using testing::HasSubstr;

namespace herd::controller {
namespace {

constexpr std::string_view kRoot = "uid 0 (root)";

class MaintenancePlan : public testing::Test {
 protected:
  void SetUp() override {
    for (const char* n : {"n1", "n2", "n3"}) table.heard_from(n, clock.monotonic(), clock.wall());
  }
  protocol::MaintenanceSet on(std::vector<std::string> nodes, std::optional<std::string> reason = "kernel update") {
    protocol::MaintenanceSet r;
    r.on = true;
    r.nodes = std::move(nodes);
    r.reason = std::move(reason);
    return r;
  }
  protocol::MaintenanceSet off(std::vector<std::string> nodes) {
    protocol::MaintenanceSet r;
    r.nodes = std::move(nodes);
    return r;
  }
  // Plans and applies, as the controller does once the store has it.
  std::vector<MaintenanceStep> run(const protocol::MaintenanceSet& r) {
    auto steps = plan_maintenance(r, table, kRoot, clock.wall());
    EXPECT_TRUE(steps.ok()) << steps.error().message;
    if (!steps) return {};
    for (const auto& s : *steps) table.set_maintenance(s.node, s.after);
    return *steps;
  }
  std::string error_of(const protocol::MaintenanceSet& r) {
    auto steps = plan_maintenance(r, table, kRoot, clock.wall());
    return steps ? "ok" : steps.error().message;
  }

  ManualClock clock;
  NodeTable table{3s};
};

TEST_F(MaintenancePlan, OnStartsMaintenanceWithWhoWhySinceAndUntil) {
  auto r = on({"n2", "n1"});
  r.until_ms = to_unix_ms(clock.wall() + 2h);
  const auto steps = run(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].node, "n1");  // sorted
  EXPECT_EQ(steps[0].change, MaintenanceChange::started);
  const auto& m = *table.find("n1")->maintenance;
  EXPECT_EQ(m.reason, "kernel update");
  EXPECT_EQ(m.by, kRoot);
  EXPECT_EQ(m.since_ms, to_unix_ms(clock.wall()));
  EXPECT_EQ(m.until_ms, to_unix_ms(clock.wall() + 2h));
  EXPECT_FALSE(table.find("n3")->maintenance.has_value());
  EXPECT_EQ(table.count_in_maintenance(), 2u);
}

TEST_F(MaintenancePlan, OnAgainWithAnotherReasonUpdatesAndKeepsTheStart) {
  run(on({"n1"}));
  const int64_t started = table.find("n1")->maintenance->since_ms;
  clock.advance(10min);
  const auto same = run(on({"n1"}));
  EXPECT_EQ(same[0].change, MaintenanceChange::unchanged);
  const auto changed = run(on({"n1"}, "disk swap"));
  EXPECT_EQ(changed[0].change, MaintenanceChange::updated);
  EXPECT_EQ(table.find("n1")->maintenance->reason, "disk swap");
  EXPECT_EQ(table.find("n1")->maintenance->since_ms, started);
  auto with_end = on({"n1"}, "disk swap");
  with_end.until_ms = to_unix_ms(clock.wall() + 1h);
  EXPECT_EQ(run(with_end)[0].change, MaintenanceChange::updated);
}

TEST_F(MaintenancePlan, OffEndsItAndIsHarmlessWhenNotInMaintenance) {
  run(on({"n1"}));
  const auto steps = run(off({"n1", "n2"}));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].change, MaintenanceChange::ended);
  EXPECT_EQ(steps[0].before->reason, "kernel update");
  EXPECT_EQ(steps[1].change, MaintenanceChange::unchanged);
  EXPECT_EQ(table.count_in_maintenance(), 0u);
}

TEST_F(MaintenancePlan, AllMeansEveryKnownNodeOnAndEveryNodeInMaintenanceOff) {
  auto all_on = on({});
  all_on.all = true;
  EXPECT_EQ(run(all_on).size(), 3u);
  run(off({"n2"}));
  protocol::MaintenanceSet all_off;
  all_off.all = true;
  const auto steps = run(all_off);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].node, "n1");
  EXPECT_EQ(steps[1].node, "n3");
  EXPECT_EQ(table.count_in_maintenance(), 0u);
}

TEST_F(MaintenancePlan, AnUnknownNodeRefusesTheWholeList) {
  EXPECT_EQ(error_of(on({"n1", "nope", "n2"})), "no node named \"nope\"; nothing changed");
  std::vector<std::string> many;
  for (int i = 0; i < 8; ++i) many.push_back("x" + std::to_string(i));
  EXPECT_THAT(error_of(on(many)), HasSubstr("\"x4\" and 3 more"));
  EXPECT_EQ(table.count_in_maintenance(), 0u);
}

TEST_F(MaintenancePlan, HostileNodeNamesAreQuotedSafelyAndCut) {
  const std::string message = error_of(on({"evil\033]0;x\007" + std::string(500, 'a')}));
  EXPECT_EQ(message.find('\033'), std::string::npos);
  EXPECT_LT(message.size(), 120u);
}

TEST_F(MaintenancePlan, BadRequestsAreRefusedWithTheReason) {
  EXPECT_THAT(error_of(on({"n1"}, std::nullopt)), HasSubstr("--reason is required"));
  EXPECT_THAT(error_of(on({"n1"}, "  ")), HasSubstr("--reason is required"));
  EXPECT_THAT(error_of(on({"n1"}, "two\nlines")), HasSubstr("one line of printable text"));
  EXPECT_THAT(error_of(on({"n1"}, std::string(2000, 'r'))), HasSubstr("longer than 1024 bytes"));
  EXPECT_THAT(error_of(on({})), HasSubstr("no nodes given"));
  auto both = on({"n1"});
  both.all = true;
  EXPECT_THAT(error_of(both), HasSubstr("not both"));
  auto past = on({"n1"});
  past.until_ms = to_unix_ms(clock.wall() - 1s);
  EXPECT_THAT(error_of(past), HasSubstr("is not in the future"));
  auto now = on({"n1"});
  now.until_ms = to_unix_ms(clock.wall());
  EXPECT_THAT(error_of(now), HasSubstr("is not in the future"));
  auto off_until = off({"n1"});
  off_until.until_ms = to_unix_ms(clock.wall() + 1h);
  EXPECT_THAT(error_of(off_until), HasSubstr("--until applies only to maintenance on"));
}

TEST_F(MaintenancePlan, EveryChangeIsAnEventWithWhoAndWhy) {
  auto r = on({"n1"});
  r.until_ms = to_unix_ms(from_unix_ms(1'800'000'000'000));
  const auto started = maintenance_event(run(r)[0], kRoot, std::nullopt, clock.wall());
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ(started->kind, "maintenance_on");
  EXPECT_EQ(started->node, "n1");
  EXPECT_EQ(started->by, kRoot);
  EXPECT_EQ(started->reason, "kernel update");
  EXPECT_EQ(started->detail, "maintenance on: kernel update, until 2027-01-15T08:00:00.000Z");

  const auto updated = maintenance_event(run(on({"n1"}, "disk swap"))[0], "uid 5 (ops)", std::nullopt, clock.wall());
  EXPECT_EQ(updated->kind, "maintenance_on");
  EXPECT_EQ(updated->detail, "maintenance changed: disk swap (was: kernel update, until 2027-01-15T08:00:00.000Z)");

  const auto ended = maintenance_event(run(off({"n1"}))[0], kRoot, std::string("done early"), clock.wall());
  EXPECT_EQ(ended->kind, "maintenance_off");
  EXPECT_EQ(ended->reason, "done early");
  EXPECT_EQ(ended->detail, "maintenance ended: switched off: done early (was: disk swap, set by uid 0 (root))");

  EXPECT_FALSE(maintenance_event(run(off({"n1"}))[0], kRoot, std::nullopt, clock.wall()).has_value());
}

TEST_F(MaintenancePlan, ExpiresAtItsEndAndNotBefore) {
  auto r = on({"n1"});
  r.until_ms = to_unix_ms(clock.wall() + 2s);
  run(r);
  run(on({"n2"}));  // open-ended
  EXPECT_TRUE(expired_maintenance(table, clock.wall()).empty());
  clock.advance(1999ms);
  EXPECT_TRUE(expired_maintenance(table, clock.wall()).empty());
  clock.advance(1ms);
  const auto steps = expired_maintenance(table, clock.wall());
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].node, "n1");
  EXPECT_EQ(steps[0].change, MaintenanceChange::ended);
  EXPECT_FALSE(steps[0].after.has_value());
  const EventRecord e = expiry_event(steps[0], clock.wall());
  EXPECT_EQ(e.kind, "maintenance_off");
  EXPECT_EQ(e.by, "controller");
  EXPECT_THAT(e.detail, testing::StartsWith("maintenance ended: expired (was: kernel update, set by uid 0 (root)"));
  EXPECT_THAT(e.reason, testing::MatchesRegex("until .* reached"));
}

TEST_F(MaintenancePlan, ExpiryTimerWaitsForTheEarliestEndButNoLongerThanTheCap) {
  EXPECT_FALSE(expiry_delay(table, clock.wall(), 60s).has_value());
  run(on({"n3"}));
  EXPECT_FALSE(expiry_delay(table, clock.wall(), 60s).has_value());  // open-ended: no timer
  auto soon = on({"n1"});
  soon.until_ms = to_unix_ms(clock.wall() + 2500ms);
  run(soon);
  auto later = on({"n2"});
  later.until_ms = to_unix_ms(clock.wall() + 2h);
  run(later);
  EXPECT_EQ(expiry_delay(table, clock.wall(), 60s), 2500ms);
  table.set_maintenance("n1", std::nullopt);
  EXPECT_EQ(expiry_delay(table, clock.wall(), 60s), 60s);  // capped: a stepped wall clock is noticed
  clock.advance(3h);  // overdue: at once
  EXPECT_EQ(expiry_delay(table, clock.wall(), 60s), 0ms);
}

TEST_F(MaintenancePlan, TheReplySaysWhatHappenedToEachNode) {
  const auto reply = maintenance_reply(run(on({"n1"})));
  ASSERT_EQ(reply.nodes.size(), 1u);
  EXPECT_EQ(reply.nodes[0].node, "n1");
  EXPECT_EQ(reply.nodes[0].change, MaintenanceChange::started);
  ASSERT_TRUE(reply.nodes[0].maintenance.has_value());
  EXPECT_EQ(reply.nodes[0].maintenance->reason, "kernel update");
}

TEST_F(MaintenancePlan, StatusShowsEachNodesMaintenanceAndTheCount) {
  auto r = on({"n2"});
  r.until_ms = to_unix_ms(clock.wall() + 1h);
  run(r);
  const auto reply = make_status_reply(table, {}, 1);
  ASSERT_EQ(reply.nodes.size(), 3u);
  EXPECT_FALSE(reply.nodes[0].maintenance.has_value());
  ASSERT_TRUE(reply.nodes[1].maintenance.has_value());
  EXPECT_EQ(reply.nodes[1].maintenance->reason, "kernel update");
  EXPECT_EQ(reply.nodes[1].maintenance->until_ms, r.until_ms);
  EXPECT_EQ(reply.summary.maintenance, 1u);
}

TEST(MaintenanceTransitions, SetOnAnUnknownNodeChangesNothing) {
  NodeTable table{3s};
  EXPECT_FALSE(table.set_maintenance("ghost", protocol::Maintenance{"r", "b", 1, {}}));
  EXPECT_EQ(table.nodes().size(), 0u);
}

}  // namespace
}  // namespace herd::controller
