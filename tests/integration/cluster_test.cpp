// A controller and three agents as real processes on loopback, checked
// through the herd CLI the way an admin would.

#include <csignal>

#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;

namespace herd::test {
namespace {

class ThreeNodes : public testing::Test {
 protected:
  void SetUp() override {
    for (const auto& n : nodes) cluster.add_node(n);
    cluster.start_controller();
    for (const auto& n : nodes) cluster.start_agent(n);
    ASSERT_TRUE(all_up()) << cluster.controller_log();
  }

  bool all_up(std::chrono::milliseconds timeout = 10s) {
    return Cluster::eventually(
        [&] {
          const auto s = cluster.status();
          return s["summary"]["up"] == nodes.size() && s["summary"]["total"] == nodes.size();
        },
        timeout);
  }

  std::vector<std::string> nodes{"node01", "node02", "node03"};
  Cluster cluster;
};

TEST_F(ThreeNodes, StatusJsonListsEveryNodeWithItsFigures) {
  const auto s = cluster.status();
  ASSERT_EQ(s["nodes"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& n = s["nodes"][i];
    EXPECT_EQ(n["name"], nodes[i]);  // sorted by name
    EXPECT_EQ(n["state"], "up");
    EXPECT_TRUE(n["since"].is_string());
    EXPECT_TRUE(n["last_seen"].is_string());
    EXPECT_EQ(n["load"].size(), 3u);
    EXPECT_GT(n["mem_total_bytes"].get<uint64_t>(), 0u);
    EXPECT_LE(n["mem_available_bytes"].get<uint64_t>(), n["mem_total_bytes"].get<uint64_t>());
    EXPECT_EQ(n["agent_version"], "0.1.0");
  }
  EXPECT_EQ(s["summary"]["up"], 3);
  EXPECT_EQ(s["summary"]["down"], 0);
}

TEST_F(ThreeNodes, TableShowsEveryNode) {
  const auto r = cluster.herd({"status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& n : nodes) EXPECT_NE(r.out.find(n), std::string::npos);
  EXPECT_NE(r.out.find("3 nodes: 3 up, 0 down"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "colour codes on a pipe";
}

TEST_F(ThreeNodes, KilledAgentIsShownDownWithinFiveSecondsAndUpAfterRestart) {
  const auto killed = std::chrono::steady_clock::now();
  cluster.kill_agent("node02", SIGKILL);
  ASSERT_TRUE(Cluster::eventually([&] { return cluster.node_state("node02") == "down"; }, 5s));
  const auto took = std::chrono::steady_clock::now() - killed;
  EXPECT_LT(took, 5s);
  EXPECT_EQ(cluster.node_state("node01"), "up");
  EXPECT_EQ(cluster.node_state("node03"), "up");

  cluster.start_agent("node02");
  EXPECT_TRUE(Cluster::eventually([&] { return cluster.node_state("node02") == "up"; }, 10s));
}

TEST_F(ThreeNodes, ControllerRestartBringsEveryNodeBackAndKeepsEveryEvent) {
  cluster.stop_controller(SIGKILL);
  cluster.start_controller();
  // Right after the restart the nodes are known, shown down until heard from.
  EXPECT_EQ(cluster.status()["summary"]["total"], 3);
  ASSERT_TRUE(all_up(15s)) << cluster.controller_log();

  const auto events = cluster.events()["events"];
  int starts = 0;
  for (const auto& e : events) starts += e["kind"] == "controller_start" ? 1 : 0;
  EXPECT_EQ(starts, 2);
  for (const auto& n : nodes) {
    std::vector<std::string> kinds;
    for (const auto& e : events) {
      if (e["node"] == n) kinds.push_back(e["kind"]);
    }
    // up, shown down when the controller came back, up again.
    EXPECT_EQ(kinds, (std::vector<std::string>{"node_up", "node_down", "node_up"})) << n;
  }
}

TEST_F(ThreeNodes, EventsCanBeFilteredByNode) {
  cluster.kill_agent("node03", SIGKILL);
  ASSERT_TRUE(Cluster::eventually([&] { return cluster.node_state("node03") == "down"; }, 6s));
  const auto r = cluster.herd({"events", "--node", "node03", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto events = nlohmann::json::parse(r.out)["events"];
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["kind"], "node_up");
  EXPECT_EQ(events[1]["kind"], "node_down");
  // The agent died, so its connection closed: shown down without waiting for down_after.
  EXPECT_EQ(events[1]["detail"], "connection closed");
}

TEST(Cluster, AgentWithAnUnknownKeyIsNeverShown) {
  Cluster cluster;
  cluster.add_node("node01");
  cluster.add_node("intruder", /*enrol=*/false);
  cluster.start_controller();
  cluster.start_agent("node01");
  cluster.start_agent("intruder");
  ASSERT_TRUE(Cluster::eventually([&] { return cluster.node_state("node01") == "up"; }, 10s));
  // Give the intruder several heartbeat intervals to get in.
  ASSERT_TRUE(Cluster::eventually(
      [&] { return cluster.controller_log().find("refused agent connection") != std::string::npos; }, 5s));
  std::this_thread::sleep_for(2s);
  const auto s = cluster.status();
  EXPECT_EQ(s["summary"]["total"], 1);
  EXPECT_EQ(cluster.node_state("intruder"), "absent");
}

TEST(Cluster, UnreachableControllerExitsWithStatusThreeAtOnce) {
  Cluster cluster;
  const auto r = cluster.herd({"status"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("cannot reach herd"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_LT(r.elapsed, 1s);
}

TEST(Cluster, HerdConfigEnvironmentVariableStandsForConfig) {
  Cluster cluster;
  cluster.start_controller();
  const auto r = run_command({binary("cli/herd"), "status", "--json"}, 10s,
                             {"HERD_CONFIG=" + cluster.dir().path() + "/herd.toml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["summary"]["total"], 0);
}

TEST(Cluster, AgentStopsCleanlyOnSigterm) {
  Cluster cluster;
  cluster.add_node("node01");
  cluster.start_controller();
  Process agent({binary("agent/herd-agent"), "--config", cluster.agent_config("node01")},
                cluster.dir() / "agent.log");
  ASSERT_TRUE(Cluster::eventually([&] { return cluster.node_state("node01") == "up"; }, 10s));
  agent.signal(SIGTERM);
  EXPECT_EQ(agent.wait(5s), 0) << agent.log();
  EXPECT_NE(agent.log().find("stopping"), std::string::npos);
}

}  // namespace
}  // namespace herd::test
