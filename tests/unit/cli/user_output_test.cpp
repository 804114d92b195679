#include "cli/user_output.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "cli/units.hpp"

namespace herd::cli {
namespace {

std::string name_of(uint32_t uid) { return uid == 1001 ? "alice" : std::to_string(uid); }

protocol::QuotaReply sample_quota() {
  protocol::QuotaReply r;
  protocol::QuotaRow home;
  home.filesystem = {"home", "cephfs", "/home/%u", "mon:/home", "id", true};
  home.quota.uid = 1001;
  home.quota.directory = "/home/alice";
  home.quota.bytes_used = 48ull << 30;
  home.quota.bytes_hard = 50ull << 30;
  protocol::QuotaRow scratch;
  scratch.node = "n1";
  scratch.filesystem = {"scratch", "xfs", "/scratch", "/dev/sdb", "id2", false};
  scratch.quota.uid = 1001;
  scratch.quota.bytes_used = 1ull << 30;
  scratch.quota.bytes_soft = 90ull << 30;
  scratch.quota.bytes_hard = 100ull << 30;
  r.rows = {home, scratch};
  return r;
}

TEST(QuotaTable, ShowsUsageLimitsAndPercent) {
  const std::string text = quota_table(sample_quota(), name_of, false);
  EXPECT_NE(text.find("alice  /home/alice (cephfs)  (shared)  48.0 GiB  -         50.0 GiB   96.0%"), std::string::npos)
      << text;
  EXPECT_NE(text.find("/scratch (xfs)"), std::string::npos);
  EXPECT_NE(text.find("1.0%"), std::string::npos);
}

TEST(QuotaTable, ColoursUsageNearAndOverTheLimit) {
  auto reply = sample_quota();
  const std::string near = quota_table(reply, name_of, true);
  EXPECT_NE(near.find("\033[33m96.0%"), std::string::npos);  // yellow from 90 %
  reply.rows[0].quota.bytes_used = 51ull << 30;
  const std::string over = quota_table(reply, name_of, true);
  EXPECT_NE(over.find("\033[1;31m102.0%"), std::string::npos);  // red at the limit
}

TEST(QuotaJson, CarriesRowsWithUserNames) {
  const auto doc = nlohmann::json::parse(quota_json(sample_quota(), name_of));
  ASSERT_EQ(doc["rows"].size(), 2u);
  EXPECT_EQ(doc["rows"][0u]["user"], "alice");
  EXPECT_FALSE(doc["rows"][0u].contains("node"));
  EXPECT_EQ(doc["rows"][1u]["node"], "n1");
  EXPECT_EQ(doc["rows"][0u]["quota"]["bytes_hard"], 50ull << 30);
}

TEST(DaemonTable, ShowsUnitsAndSince) {
  protocol::DaemonReply r;
  protocol::DaemonRow row;
  row.node = "n1";
  row.unit.uid = 1001;
  row.unit.unit = {"docker.service", "loaded", "active", "running", 1'800'000'000'000 - 3'600'000};
  r.units.push_back(row);
  const std::string text = daemon_table(r, name_of, from_unix_ms(1'800'000'000'000), false);
  EXPECT_EQ(text,
            "NODE  USER   UNIT            ACTIVE  SUB      SINCE\n"
            "n1    alice  docker.service  active  running  1h00m\n");
  r.notice = "showing this node only";
  EXPECT_NE(daemon_table(r, name_of, from_unix_ms(0), false).find("note: showing this node only"), std::string::npos);
}

TEST(Units, BytesAndPercent) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(std::optional<uint64_t>{}), "-");
  EXPECT_EQ(percent_of(50, 200), 25.0);
  EXPECT_FALSE(percent_of(1, std::nullopt).has_value());
  EXPECT_FALSE(percent_of(1, 0).has_value());
}

}  // namespace
}  // namespace herd::cli
