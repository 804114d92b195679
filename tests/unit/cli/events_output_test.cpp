#include "cli/events_output.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace herd::cli {
namespace {

TEST(EventsOutput, TableAndJsonCarryEveryEvent) {
  protocol::EventsReply reply;
  reply.events.push_back({1, 1'800'000'000'000, "", "controller_start", "started", {}, {}});
  reply.events.push_back({2, 1'800'000'001'000, "node01", "node_up", "first contact", {}, {}});
  const std::string table = events_table(reply, false);
  EXPECT_EQ(table,
            "TIME                      NODE    EVENT             DETAIL\n"
            "2027-01-15T08:00:00.000Z  -       controller_start  started\n"
            "2027-01-15T08:00:01.000Z  node01  node_up           first contact\n");
  const auto doc = nlohmann::json::parse(events_json(reply));
  ASSERT_EQ(doc["events"].size(), 2u);
  EXPECT_TRUE(doc["events"][0]["node"].is_null());
  EXPECT_EQ(doc["events"][1]["node"], "node01");
  EXPECT_EQ(doc["events"][1]["kind"], "node_up");
  EXPECT_EQ(doc["events"][1]["time"], "2027-01-15T08:00:01.000Z");
  EXPECT_EQ(doc["events"][1]["id"], 2);
}

}  // namespace
}  // namespace herd::cli
