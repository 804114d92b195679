#include "controller/node_table.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

class Liveness : public testing::Test {
 protected:
  std::optional<Transition> hear(const std::string& node) {
    return table.heard_from(node, clock.monotonic(), clock.wall());
  }
  std::vector<Transition> sweep() { return table.sweep(clock.monotonic(), clock.wall()); }

  ManualClock clock;
  NodeTable table{3s};
};

TEST_F(Liveness, FirstMessageBringsANewNodeUp) {
  auto t = hear("n1");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->to, NodeState::up);
  EXPECT_EQ(t->reason, "first contact");
  EXPECT_EQ(table.find("n1")->state, NodeState::up);
  EXPECT_EQ(table.find("n1")->since, clock.wall());
}

TEST_F(Liveness, FurtherMessagesChangeNothing) {
  hear("n1");
  clock.advance(1s);
  EXPECT_FALSE(hear("n1").has_value());
  EXPECT_EQ(table.find("n1")->last_seen, clock.wall());
}

TEST_F(Liveness, StaysUpWhileHeartbeatsArrive) {
  hear("n1");
  for (int i = 0; i < 100; ++i) {
    clock.advance(1s);
    hear("n1");
    EXPECT_TRUE(sweep().empty());
  }
}

TEST_F(Liveness, GoesDownExactlyAfterTheTimeout) {
  hear("n1");
  const WallTime last = clock.wall();
  clock.advance(2999ms);
  EXPECT_TRUE(sweep().empty());
  clock.advance(1ms);
  auto down = sweep();
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].node, "n1");
  EXPECT_EQ(down[0].to, NodeState::down);
  EXPECT_EQ(down[0].reason, "no message for 3.0s");
  EXPECT_EQ(table.find("n1")->last_seen, last);
  // Once down, further sweeps report nothing new.
  clock.advance(10s);
  EXPECT_TRUE(sweep().empty());
}

TEST_F(Liveness, ComesBackUpOnTheNextMessage) {
  hear("n1");
  clock.advance(5s);
  sweep();
  auto up = hear("n1");
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->to, NodeState::up);
  EXPECT_EQ(up->reason, "heard from again");
}

TEST_F(Liveness, OnlySilentNodesGoDown) {
  hear("quiet");
  hear("chatty");
  for (int i = 0; i < 4; ++i) {
    clock.advance(1s);
    hear("chatty");
  }
  auto down = sweep();
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].node, "quiet");
  EXPECT_EQ(table.count(NodeState::up), 1u);
  EXPECT_EQ(table.count(NodeState::down), 1u);
}

TEST_F(Liveness, WallClockJumpsDoNotCauseFalseDowns) {
  hear("n1");
  clock.set_wall(clock.wall() + std::chrono::hours{24});  // NTP step
  clock.advance(1s);
  EXPECT_TRUE(sweep().empty());
}

TEST_F(Liveness, RestoredNodesAreShownDownUntilHeardFrom) {
  const WallTime before = clock.wall() - 1h;
  std::vector<PersistedNode> persisted = {
      {"was-up", NodeState::up, before, before + 30min, "host-a", "0.1.0"},
      {"was-down", NodeState::down, before, before, "", ""},
  };
  auto transitions = table.restore(persisted, clock.wall());
  ASSERT_EQ(transitions.size(), 1u);  // only the one that was up changes
  EXPECT_EQ(transitions[0].node, "was-up");
  EXPECT_EQ(transitions[0].to, NodeState::down);
  EXPECT_EQ(transitions[0].reason, "controller restarted; not heard from since");

  const NodeInfo* up = table.find("was-up");
  EXPECT_EQ(up->state, NodeState::down);
  EXPECT_EQ(up->since, clock.wall());
  EXPECT_EQ(up->last_seen, before + 30min);
  EXPECT_EQ(up->hello->hostname, "host-a");
  const NodeInfo* down = table.find("was-down");
  EXPECT_EQ(down->since, before);  // still down since then

  // A restored node is never swept down again before it is heard from...
  clock.advance(1min);
  EXPECT_TRUE(sweep().empty());
  // ...and comes up on its first message.
  auto t = hear("was-up");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->reason, "heard from again");
}

}  // namespace
}  // namespace herd::controller
