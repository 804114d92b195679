#include "cli/status_output.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::cli {
namespace {

protocol::StatusReply sample(WallTime now) {
  protocol::StatusReply r;
  protocol::NodeStatus up;
  up.name = "node01";
  up.state = protocol::NodeState::up;
  up.since_ms = to_unix_ms(now - 192s);
  up.last_seen_ms = to_unix_ms(now - 400ms);
  up.load = std::array<double, 3>{0.5, 0.25, 1.0};
  up.mem_total_bytes = 16ull << 30;
  up.mem_available_bytes = 12ull << 30;
  up.hostname = "n01";
  protocol::HealthVerdict health;
  health.verdict = protocol::Verdict::warn;
  health.findings.push_back({"mount:/scratch", protocol::Verdict::warn, "/scratch 97% used"});
  health.findings.push_back({"load", protocol::Verdict::warn, "load 3.1 per core"});
  up.health = health;
  up.directory_revision = 7;
  protocol::NodeStatus down;
  down.name = "node02";
  down.state = protocol::NodeState::down;
  down.since_ms = to_unix_ms(now - 12s);
  down.last_seen_ms = 0;
  down.directory_revision = 3;
  down.directory_error = "uid 20001 of alice is taken by an unmanaged user";
  r.nodes = {up, down};
  r.summary = {1, 1, 2, {}};
  return r;
}

TEST(StatusTable, ShowsEveryColumnAndTheSummary) {
  const WallTime now = from_unix_ms(1'800'000'000'000);
  const std::string text = status_table(sample(now), now, false);
  EXPECT_EQ(text,
            "NAME    STATE  SINCE  LAST SEEN  LOAD            MEMORY        REV  HEALTH\n"
            "node01  up     3m12s  400ms ago  0.50 0.25 1.00  4.0/16.0 GiB  7    warn: /scratch 97% used (+1 more)\n"
            "node02  down   12s    never      -               -             3!   -\n"
            "2 nodes: 1 up, 1 down\n");
}

TEST(StatusTable, ColoursStatesOnlyWhenAsked) {
  const WallTime now = from_unix_ms(1'800'000'000'000);
  EXPECT_EQ(status_table(sample(now), now, false).find('\033'), std::string::npos);
  const std::string coloured = status_table(sample(now), now, true);
  EXPECT_NE(coloured.find("\033[32mup\033[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\033[1;31mdown\033[0m"), std::string::npos);
}

TEST(StatusTable, HostileNamesCannotDriveTheTerminal) {
  const WallTime now = from_unix_ms(1'800'000'000'000);
  auto reply = sample(now);
  reply.nodes[0].name = "evil\033]0;pwned\007";
  const std::string text = status_table(reply, now, false);
  EXPECT_EQ(text.find('\033'), std::string::npos);
  EXPECT_NE(text.find("evil?]0;pwned?"), std::string::npos);
}

TEST(StatusJson, HasTheDocumentedShape) {
  const WallTime now = from_unix_ms(1'800'000'000'000);
  const auto doc = nlohmann::json::parse(status_json(sample(now)));
  ASSERT_EQ(doc["nodes"].size(), 2u);
  const auto& n = doc["nodes"][0];
  EXPECT_EQ(n["name"], "node01");
  EXPECT_EQ(n["state"], "up");
  EXPECT_EQ(n["since"], "2027-01-15T07:56:48.000Z");
  EXPECT_EQ(n["last_seen"], "2027-01-15T07:59:59.600Z");
  EXPECT_EQ(n["load"][2], 1.0);
  EXPECT_EQ(n["mem_total_bytes"], 16ull << 30);
  EXPECT_EQ(n["hostname"], "n01");
  EXPECT_TRUE(doc["nodes"][1]["last_seen"].is_null());
  EXPECT_TRUE(doc["nodes"][1]["load"].is_null());
  EXPECT_EQ(n["health"]["verdict"], "warn");
  EXPECT_EQ(n["health"]["findings"][0]["check"], "mount:/scratch");
  EXPECT_TRUE(doc["nodes"][1]["health"].is_null());
  EXPECT_EQ(n["directory_revision"], 7);
  EXPECT_EQ(doc["nodes"][1]["directory_error"], "uid 20001 of alice is taken by an unmanaged user");
  EXPECT_FALSE(doc.contains("notice"));
  EXPECT_EQ(doc["summary"]["up"], 1);
  EXPECT_EQ(doc["summary"]["down"], 1);
  EXPECT_EQ(doc["summary"]["total"], 2);
}

TEST(StatusOutput, NoticeIsShownAndCarried) {
  const WallTime now = from_unix_ms(1'800'000'000'000);
  auto reply = sample(now);
  reply.notice = "the controller cannot be reached: showing this node only";
  EXPECT_NE(status_table(reply, now, false).find("note: the controller cannot be reached"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(status_json(reply))["notice"], *reply.notice);
}

TEST(StatusJson, InvalidUtf8IsReplacedNotFatal) {
  const WallTime now = from_unix_ms(1'800'000'000'000);
  auto reply = sample(now);
  reply.nodes[0].hostname = std::string("bad\xff\xfe");
  EXPECT_NO_THROW(nlohmann::json::parse(status_json(reply)));
}

}  // namespace
}  // namespace herd::cli
