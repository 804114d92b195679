#include "controller/status_view.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

TEST(StatusView, ListsNodesSortedWithSummaryAndFigures) {
  ManualClock clock;
  NodeTable table(3s);
  table.heard_from("b", clock.monotonic(), clock.wall());
  table.heard_from("a", clock.monotonic(), clock.wall());
  protocol::Heartbeat hb;
  hb.load = {1, 2, 3};
  hb.mem_total_bytes = 100;
  hb.mem_available_bytes = 40;
  table.record_heartbeat("a", hb);
  clock.advance(5s);
  table.sweep(clock.monotonic(), clock.wall());
  table.heard_from("a", clock.monotonic(), clock.wall());

  const auto reply = make_status_reply(table, {}, 77);
  ASSERT_EQ(reply.nodes.size(), 2u);
  EXPECT_EQ(reply.nodes[0].name, "a");
  EXPECT_EQ(reply.nodes[0].state, protocol::NodeState::up);
  EXPECT_EQ(reply.nodes[0].mem_available_bytes, 40u);
  EXPECT_EQ((*reply.nodes[0].load)[2], 3.0);
  EXPECT_EQ(reply.nodes[1].name, "b");
  EXPECT_EQ(reply.nodes[1].state, protocol::NodeState::down);
  EXPECT_FALSE(reply.nodes[1].load.has_value());
  EXPECT_EQ(reply.summary.up, 1u);
  EXPECT_EQ(reply.summary.down, 1u);
  EXPECT_EQ(reply.summary.total, 2u);
  EXPECT_EQ(reply.epoch, 77u);
}

TEST(StatusView, SelectsNamedNodesAndIgnoresUnknownOnes) {
  ManualClock clock;
  NodeTable table(3s);
  for (const char* n : {"a", "b", "c"}) table.heard_from(n, clock.monotonic(), clock.wall());
  protocol::StatusQuery q;
  q.nodes = std::vector<std::string>{"c", "a", "zzz", "a"};
  const auto reply = make_status_reply(table, q, 1);
  ASSERT_EQ(reply.nodes.size(), 2u);
  EXPECT_EQ(reply.nodes[0].name, "a");
  EXPECT_EQ(reply.nodes[1].name, "c");
  EXPECT_EQ(reply.summary.total, 3u);  // the summary is of the whole cluster
}

}  // namespace
}  // namespace herd::controller
