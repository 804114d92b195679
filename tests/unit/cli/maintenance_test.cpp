// herd maintenance on the CLI side: --until parsing, argument checks, and
// maintenance where status, events and the command itself print it.

#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/events_output.hpp"
#include "cli/maintenance_args.hpp"
#include "cli/maintenance_output.hpp"
#include "cli/status_output.hpp"
#include "common/time_format.hpp"

using namespace std::chrono_literals;
using testing::HasSubstr;

namespace herd::cli {
namespace {

// 2026-11-23T22:30:00Z
const WallTime kNow = from_unix_ms(1'795'473'000'000);

std::string until_error(std::string_view text) {
  auto r = parse_until(text, kNow);
  return r ? "ok" : r.error().message;
}

TEST(ParseUntil, TakesRfc3339TimesWithZoneOrOffset) {
  EXPECT_EQ(format_rfc3339(*parse_until("2026-11-24T08:00Z", kNow)), "2026-11-24T08:00:00.000Z");
  EXPECT_EQ(format_rfc3339(*parse_until("2026-11-24T09:00:00+01:00", kNow)), "2026-11-24T08:00:00.000Z");
  EXPECT_EQ(format_rfc3339(*parse_until("2026-11-24 08:00", kNow)), "2026-11-24T08:00:00.000Z");
}

TEST(ParseUntil, TakesDurationsFromNow) {
  EXPECT_EQ(*parse_until("2h", kNow), kNow + 2h);
  EXPECT_EQ(*parse_until("90m", kNow), kNow + 90min);
  EXPECT_EQ(*parse_until("1d", kNow), kNow + 24h);
  EXPECT_EQ(*parse_until("2s", kNow), kNow + 2s);
}

TEST(ParseUntil, RefusesTimesInThePastOrNow) {
  EXPECT_EQ(until_error("2026-11-23T08:00Z"),
            "--until 2026-11-23T08:00:00.000Z lies in the past (now 2026-11-23T22:30:00.000Z)");
  EXPECT_THAT(until_error("2026-11-23T22:30:00Z"), HasSubstr("lies in the past"));
  EXPECT_THAT(until_error("0s"), HasSubstr("must be longer than 0"));
}

TEST(ParseUntil, RefusesWhatIsNeitherATimeNorADuration) {
  for (const char* bad : {"", "tomorrow", "2h30", "-2h", "2026-13-01T00:00Z", "2026-02-30T00:00Z", "2026-11-24T08:00Q",
                          "1e400h", "2026-11-24T08:00Z junk"}) {
    EXPECT_THAT(until_error(bad), HasSubstr("is neither a time")) << bad;
  }
  // Hostile text is cut and cannot drive the terminal.
  const std::string message = until_error("\033]0;x\007" + std::string(10'000, 'y'));
  EXPECT_EQ(message.find('\033'), std::string::npos);
  EXPECT_LT(message.size(), 200u);
}

std::string request_error(const MaintenanceOptions& o) {
  auto r = maintenance_request(o, kNow);
  return r ? "ok" : r.error().message;
}

TEST(MaintenanceRequest, BuildsTheMessage) {
  MaintenanceOptions o;
  o.on = true;
  o.nodes = {"n1", "n2"};
  o.reason = "kernel update";
  o.until = "2h";
  auto r = maintenance_request(o, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->on);
  EXPECT_EQ(r->nodes, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(r->reason, "kernel update");
  EXPECT_EQ(r->until_ms, to_unix_ms(kNow + 2h));
  MaintenanceOptions off;
  off.all = true;
  auto r2 = maintenance_request(off, kNow);
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->on);
  EXPECT_TRUE(r2->all);
  EXPECT_FALSE(r2->reason.has_value());
}

TEST(MaintenanceRequest, BadArgumentsAreUsageErrors) {
  MaintenanceOptions o;
  o.on = true;
  o.nodes = {"n1"};
  EXPECT_EQ(request_error(o), "--reason is required: say why the nodes go into maintenance");
  o.reason = "";
  EXPECT_THAT(request_error(o), HasSubstr("--reason is required"));
  o.reason = "line\nbreak";
  EXPECT_THAT(request_error(o), HasSubstr("one line"));
  o.reason = "ok";
  o.until = "yesterday";
  EXPECT_THAT(request_error(o), HasSubstr("--until: \"yesterday\" is neither"));
  o.until.reset();
  o.all = true;
  EXPECT_THAT(request_error(o), HasSubstr("not both"));
  o.all = false;
  o.nodes.clear();
  EXPECT_THAT(request_error(o), HasSubstr("no nodes given"));
  MaintenanceOptions off;
  off.nodes = {"n1"};
  off.until = "2h";
  EXPECT_THAT(request_error(off), HasSubstr("--until applies only to maintenance on"));
}

protocol::Maintenance sample_maintenance() {
  return {"kernel update", "uid 0 (root)", to_unix_ms(kNow - 1h), to_unix_ms(kNow + 90min)};
}

TEST(MaintenanceOutput, TextAndJsonSayWhatHappenedToEachNode) {
  protocol::MaintenanceReply reply;
  reply.nodes.push_back({"n1", protocol::MaintenanceChange::started, sample_maintenance()});
  reply.nodes.push_back({"n2", protocol::MaintenanceChange::unchanged, std::nullopt});
  EXPECT_EQ(maintenance_text(reply),
            "n1: maintenance started (kernel update, until 2026-11-24T00:00:00.000Z)\n"
            "n2: was not in maintenance\n");
  const auto doc = nlohmann::json::parse(maintenance_json(reply));
  EXPECT_EQ(doc["nodes"][0]["node"], "n1");
  EXPECT_EQ(doc["nodes"][0]["change"], "started");
  EXPECT_EQ(doc["nodes"][0]["maintenance"]["reason"], "kernel update");
  EXPECT_EQ(doc["nodes"][0]["maintenance"]["by"], "uid 0 (root)");
  EXPECT_EQ(doc["nodes"][0]["maintenance"]["since"], "2026-11-23T21:30:00.000Z");
  EXPECT_EQ(doc["nodes"][0]["maintenance"]["until"], "2026-11-24T00:00:00.000Z");
  EXPECT_TRUE(doc["nodes"][1]["maintenance"].is_null());
}

protocol::StatusReply status_with_maintenance() {
  protocol::StatusReply r;
  protocol::NodeStatus a;
  a.name = "node01";
  a.state = protocol::NodeState::up;
  a.since_ms = to_unix_ms(kNow - 60s);
  a.last_seen_ms = to_unix_ms(kNow - 500ms);
  a.maintenance = sample_maintenance();
  protocol::NodeStatus b;
  b.name = "node02";
  b.state = protocol::NodeState::down;
  b.since_ms = to_unix_ms(kNow - 12s);
  r.nodes = {a, b};
  r.summary = {1, 1, 2, 1};
  return r;
}

TEST(MaintenanceInStatus, TheTableGetsAMaintenanceColumnAndTheSummaryACount) {
  EXPECT_EQ(status_table(status_with_maintenance(), kNow, false),
            "NAME    STATE  MAINTENANCE                   SINCE  LAST SEEN  LOAD  MEMORY  REV  HEALTH\n"
            "node01  up     kernel update, ends in 1h30m  1m00s  500ms ago  -     -       -    -\n"
            "node02  down   -                             12s    never      -     -       -    -\n"
            "2 nodes: 1 up, 1 down, 1 in maintenance\n");
}

TEST(MaintenanceInStatus, NoColumnWhileNoNodeIsInMaintenance) {
  auto r = status_with_maintenance();
  r.nodes[0].maintenance.reset();
  r.summary.maintenance = 0;
  const std::string table = status_table(r, kNow, false);
  EXPECT_EQ(table.find("MAINTENANCE"), std::string::npos);
  EXPECT_THAT(table, HasSubstr("2 nodes: 1 up, 1 down\n"));
}

TEST(MaintenanceInStatus, LongOrHostileReasonsAreCutAndMadePrintable) {
  auto r = status_with_maintenance();
  r.nodes[0].maintenance->reason = "\033[2J" + std::string(100, 'x');
  const std::string table = status_table(r, kNow, false);
  EXPECT_EQ(table.find('\033'), std::string::npos);
  EXPECT_EQ(table.find(std::string(40, 'x')), std::string::npos);
}

TEST(MaintenanceInStatus, JsonCarriesReasonByAndTimes) {
  const auto doc = nlohmann::json::parse(status_json(status_with_maintenance()));
  const auto& m = doc["nodes"][0]["maintenance"];
  EXPECT_EQ(m["reason"], "kernel update");
  EXPECT_EQ(m["by"], "uid 0 (root)");
  EXPECT_EQ(m["since"], "2026-11-23T21:30:00.000Z");
  EXPECT_EQ(m["until"], "2026-11-24T00:00:00.000Z");
  EXPECT_TRUE(doc["nodes"][1]["maintenance"].is_null());
  EXPECT_EQ(doc["summary"]["maintenance"], 1);
}

TEST(MaintenanceInEvents, WhoAndWhyAreShownAndCarried) {
  protocol::EventsReply reply;
  reply.events.push_back({7, to_unix_ms(kNow), "node01", "maintenance_on", "maintenance on: kernel update",
                          std::string("uid 0 (root)"), std::string("kernel update")});
  EXPECT_THAT(events_table(reply, false), HasSubstr("maintenance on: kernel update [uid 0 (root)]"));
  const auto doc = nlohmann::json::parse(events_json(reply));
  EXPECT_EQ(doc["events"][0]["by"], "uid 0 (root)");
  EXPECT_EQ(doc["events"][0]["reason"], "kernel update");
  reply.events[0].by.reset();
  reply.events[0].reason.reset();
  EXPECT_TRUE(nlohmann::json::parse(events_json(reply))["events"][0]["by"].is_null());
}

}  // namespace
}  // namespace herd::cli
