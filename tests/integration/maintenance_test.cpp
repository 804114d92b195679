// Maintenance end to end: herd maintenance on a real controller with real
// agents, shown in status, node show and events; refused for non-admins and
// bad input; ended by --until; kept across a controller restart.

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace herd::test {
namespace {

class MaintenanceCluster : public testing::Test {
 protected:
  void SetUp() override {
    for (const auto& n : nodes) cluster.add_node(n);
    cluster.start_controller();
    for (const auto& n : nodes) cluster.start_agent(n);
    ASSERT_TRUE(Cluster::eventually([&] { return cluster.status()["summary"]["up"] == nodes.size(); }, 10s));
  }

  json node(const std::string& name) {
    const json s = cluster.status();
    for (const auto& n : s["nodes"]) {
      if (n["name"] == name) return n;
    }
    return nullptr;
  }
  json maintenance(const std::string& name) { return node(name)["maintenance"]; }

  json events_of(const std::string& name, const std::string& kind) {
    const auto r = cluster.herd({"events", "--node", name, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    last_events = r.out;
    json found = json::array();
    const json doc = json::parse(r.out);  // kept: ranging over a member of a temporary dangles
    for (const auto& e : doc["events"]) {
      if (e["kind"] == kind) found.push_back(e);
    }
    return found;
  }

  std::vector<std::string> nodes{"node01", "node02"};
  Cluster cluster;
  std::string last_events;  // for failure messages
};

TEST_F(MaintenanceCluster, AdminSetsItAndStatusNodeShowAndEventsShowIt) {
  const auto on = cluster.herd({"maintenance", "on", "node01", "--reason", "kernel update", "--until", "2h"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_NE(on.out.find("node01: maintenance started (kernel update, until "), std::string::npos) << on.out;

  const json m = maintenance("node01");
  ASSERT_TRUE(m.is_object()) << cluster.status().dump(2);
  EXPECT_EQ(m["reason"], "kernel update");
  EXPECT_EQ(m["by"].get<std::string>().rfind("uid 0", 0), 0u) << m.dump();
  EXPECT_TRUE(m["since"].is_string());
  EXPECT_TRUE(m["until"].is_string());
  EXPECT_TRUE(maintenance("node02").is_null());
  EXPECT_EQ(cluster.status()["summary"]["maintenance"], 1);

  const auto table = cluster.herd({"status"});
  EXPECT_NE(table.out.find("MAINTENANCE"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("kernel update, ends in 1h59m"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1 in maintenance"), std::string::npos) << table.out;
  const auto show = cluster.herd({"node", "show", "node01"});
  EXPECT_NE(show.out.find("maintenance:  kernel update (by uid 0"), std::string::npos) << show.out;
  const auto show_json = json::parse(cluster.herd({"node", "show", "node01", "--json"}).out);
  EXPECT_EQ(show_json["status"]["maintenance"]["reason"], "kernel update");

  // Another reason (and no end) is a change; the same again changes nothing and writes no event.
  const auto json_on = cluster.herd({"maintenance", "on", "node01", "--reason", "disk swap", "--json"});
  ASSERT_EQ(json_on.exit_code, 0) << json_on.err;
  EXPECT_EQ(json::parse(json_on.out)["nodes"][0]["change"], "updated");
  EXPECT_TRUE(maintenance("node01")["until"].is_null());
  const auto again = cluster.herd({"maintenance", "on", "node01", "--reason", "disk swap", "--json"});
  EXPECT_EQ(json::parse(again.out)["nodes"][0]["change"], "unchanged") << again.out;

  const auto off = cluster.herd({"maintenance", "off", "node01", "--reason", "swapped"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_NE(off.out.find("node01: maintenance ended"), std::string::npos) << off.out;
  EXPECT_TRUE(maintenance("node01").is_null());

  const json started = events_of("node01", "maintenance_on");
  ASSERT_EQ(started.size(), 2u) << last_events;  // started, changed; the repeat wrote nothing
  EXPECT_EQ(started[0]["reason"], "kernel update");
  EXPECT_EQ(started[0]["by"].get<std::string>().rfind("uid 0", 0), 0u);
  EXPECT_EQ(started[1]["reason"], "disk swap");
  const json ended = events_of("node01", "maintenance_off");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0]["reason"], "swapped");
  EXPECT_NE(ended[0]["detail"].get<std::string>().find("switched off: swapped"), std::string::npos);
  EXPECT_TRUE(events_of("node02", "maintenance_on").empty());  // --node filters
  // --since: nothing in the future, everything of the last hour.
  const auto later = cluster.herd({"events", "--node", "node01", "--since", "2099-01-01T00:00Z", "--json"});
  EXPECT_TRUE(json::parse(later.out)["events"].empty()) << later.out;
  const auto recent = cluster.herd({"events", "--since", "1h"});
  EXPECT_NE(recent.out.find("maintenance on: kernel update, until "), std::string::npos) << recent.out;
  EXPECT_NE(recent.out.find("[uid 0 (root)]"), std::string::npos) << recent.out;
}

TEST_F(MaintenanceCluster, AllPutsEveryNodeInAndTakesEveryNodeOut) {
  ASSERT_EQ(cluster.herd({"maintenance", "on", "--all", "--reason", "power work"}).exit_code, 0);
  EXPECT_EQ(cluster.status()["summary"]["maintenance"], 2);
  ASSERT_EQ(cluster.herd({"maintenance", "off", "--all"}).exit_code, 0);
  EXPECT_EQ(cluster.status()["summary"]["maintenance"], 0);
}

TEST_F(MaintenanceCluster, EndsByItselfAtUntil) {
  ASSERT_EQ(cluster.herd({"maintenance", "on", "node02", "--reason", "reboot", "--until", "2s"}).exit_code, 0);
  EXPECT_TRUE(maintenance("node02").is_object());
  const auto set_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(Cluster::eventually([&] { return maintenance("node02").is_null(); }, 8s)) << cluster.controller_log();
  EXPECT_GE(std::chrono::steady_clock::now() - set_at, 1500ms);  // not before its end
  const json ended = events_of("node02", "maintenance_off");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0]["by"], "controller");
  EXPECT_EQ(ended[0]["detail"].get<std::string>().rfind("maintenance ended: expired", 0), 0u) << ended.dump(2);
}

TEST_F(MaintenanceCluster, KeptAcrossAControllerRestartAndExpiredWhileAwayEndsAtStart) {
  ASSERT_EQ(cluster.herd({"maintenance", "on", "node01", "--reason", "rack move", "--until", "1h"}).exit_code, 0);
  ASSERT_EQ(cluster.herd({"maintenance", "on", "node02", "--reason", "quick fix", "--until", "2s"}).exit_code, 0);
  cluster.stop_controller(SIGTERM);
  std::this_thread::sleep_for(2500ms);  // node02's end passes while no controller runs
  cluster.start_controller();

  const json m = maintenance("node01");
  ASSERT_TRUE(m.is_object()) << cluster.status().dump(2);
  EXPECT_EQ(m["reason"], "rack move");
  EXPECT_TRUE(m["until"].is_string());
  EXPECT_TRUE(maintenance("node02").is_null());
  EXPECT_EQ(events_of("node01", "maintenance_on").size(), 1u);  // events not lost
  const json ended = events_of("node02", "maintenance_off");
  ASSERT_EQ(ended.size(), 1u) << ended.dump(2);
  EXPECT_EQ(ended[0]["detail"].get<std::string>().rfind("maintenance ended: expired", 0), 0u);
  // And the restarted controller still ends what remains.
  ASSERT_EQ(cluster.herd({"maintenance", "on", "node01", "--reason", "rack move", "--until", "1s"}).exit_code, 0);
  EXPECT_TRUE(Cluster::eventually([&] { return maintenance("node01").is_null(); }, 6s));
}

TEST_F(MaintenanceCluster, BadInputIsAUsageErrorAndChangesNothing) {
  const auto expect_usage = [&](std::vector<std::string> args, const std::string& message) {
    args.insert(args.begin(), "maintenance");
    const auto r = cluster.herd(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args[1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  };
  expect_usage({"on", "node01", "nope", "--reason", "x"}, "herd: maintenance: no node named \"nope\"; nothing changed");
  expect_usage({"on", "node01"}, "--reason is required");
  expect_usage({"on", "node01", "--reason", "x", "--until", "tomorrow"}, "--until: \"tomorrow\" is neither a time");
  expect_usage({"on", "node01", "--reason", "x", "--until", "2020-01-01T00:00Z"}, "lies in the past");
  expect_usage({"on", "--reason", "x"}, "no nodes given");
  const auto off_until = cluster.herd({"maintenance", "off", "node01", "--until", "2h"});  // refused by CLI11
  EXPECT_EQ(off_until.exit_code, 2);
  EXPECT_NE(off_until.err.find("--until"), std::string::npos) << off_until.err;
  expect_usage({"off", "ghost"}, "no node named \"ghost\"");
  EXPECT_EQ(cluster.status()["summary"]["maintenance"], 0);
  EXPECT_TRUE(events_of("node01", "maintenance_on").empty());
}

TEST_F(MaintenanceCluster, NonAdminsAreRefusedAndTheRefusalIsLogged) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as another user";
  ::chmod(cluster.dir().path().c_str(), 0755);
  ::chmod((cluster.dir() / "herd.toml").c_str(), 0644);
  const auto as_user = run_command({binary("cli/herd"), "--config", cluster.dir() / "herd.toml", "maintenance", "on",
                                    "node01", "--reason", "mine now"},
                                   10s, {}, 20001);
  EXPECT_EQ(as_user.exit_code, 1) << as_user.out << as_user.err;
  EXPECT_NE(as_user.err.find("herd maintenance on needs root or membership of the admin group"), std::string::npos)
      << as_user.err;
  // Root on a compute node, through its agent: not the head node's socket.
  std::ofstream(cluster.dir() / "node01-cli.toml") << "socket = \"ipc://" << cluster.agent_socket("node01") << "\"\n";
  const auto via_node = run_command({binary("cli/herd"), "--config", cluster.dir() / "node01-cli.toml", "maintenance",
                                     "off", "--all"},
                                    10s);
  EXPECT_NE(via_node.exit_code, 0);
  EXPECT_NE(via_node.err.find("not a query this socket answers"), std::string::npos) << via_node.err;
  EXPECT_EQ(cluster.status()["summary"]["maintenance"], 0);
  EXPECT_NE(cluster.controller_log().find("refused a query of uid 20001"), std::string::npos);
}

}  // namespace
}  // namespace herd::test
