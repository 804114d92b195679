// The directory end to end: herd directory apply on the controller, agents
// applying each revision into their own sandbox roots, herd directory status.

#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace herd::test {
namespace {

std::string users_file(int revision) {
  // Revision N has users user1..userN.
  std::string text =
      "managed_uid_range: [20000, 60000]\nmanaged_gid_range: [20000, 60000]\n"
      "groups:\n  - {name: staff, gid: 20000}\nusers:\n";
  for (int i = 1; i <= revision; ++i) {
    text += "  - {name: user" + std::to_string(i) + ", uid: " + std::to_string(20000 + i) +
            ", primary_group: staff, home: /home/user" + std::to_string(i) + "}\n";
  }
  return text;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DirectoryCluster : public testing::Test {
 protected:
  void SetUp() override {
    for (const auto& n : nodes) cluster.add_node(n);
    cluster.start_controller();
    for (const auto& n : nodes) cluster.start_agent(n);
    ASSERT_TRUE(Cluster::eventually([&] { return cluster.status()["summary"]["up"] == nodes.size(); }, 10s));
  }

  CommandResult apply(int revision) {
    const std::string file = cluster.dir() / ("directory-" + std::to_string(revision) + ".yaml");
    std::ofstream(file) << users_file(revision);
    return cluster.herd({"directory", "apply", file});
  }

  json directory_status() {
    const auto r = cluster.herd({"directory", "status", "--json"});
    if (r.exit_code != 0) throw std::runtime_error(r.err);
    return json::parse(r.out);
  }

  bool all_current(uint64_t revision, std::size_t count) {
    return Cluster::eventually(
        [&] {
          const json s = directory_status();
          if (s["current_revision"] != revision || s["nodes"].size() != count) return false;
          for (const auto& n : s["nodes"]) {
            if (n["state"] != "current") return false;
          }
          return true;
        },
        10s);
  }

  bool has_user(const std::string& node, const std::string& user) {
    return read(cluster.root_of(node) + "/etc/passwd").find(user + ":x:") != std::string::npos;
  }

  std::vector<std::string> nodes{"node01", "node02", "node03"};
  Cluster cluster;
};

TEST_F(DirectoryCluster, ARevisionReachesEveryNodesFilesAndStatusSaysSo) {
  const auto r = apply(2);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("revision 1 (was 0), published"), std::string::npos) << r.out;
  ASSERT_TRUE(all_current(1, 3)) << directory_status().dump(2);
  for (const auto& n : nodes) {
    EXPECT_TRUE(has_user(n, "user2")) << n;
    EXPECT_NE(read(cluster.root_of(n) + "/etc/passwd").find("root:x:0:0:root:/root:/bin/bash\n"), std::string::npos);
  }
  EXPECT_EQ(cluster.status()["nodes"][0u]["directory_revision"], 1);
  // The same file again changes nothing.
  const auto again = apply(2);
  EXPECT_NE(again.out.find("no change against revision 1"), std::string::npos) << again.out;
  EXPECT_EQ(directory_status()["current_revision"], 1);
}

TEST_F(DirectoryCluster, AStoppedAgentCatchesUpAndALateOneStartsCurrent) {
  ASSERT_EQ(apply(1).exit_code, 0);
  ASSERT_TRUE(all_current(1, 3));
  cluster.kill_agent("node03", SIGTERM);
  ASSERT_EQ(apply(2).exit_code, 0);
  ASSERT_EQ(apply(3).exit_code, 0);
  EXPECT_TRUE(Cluster::eventually([&] { return has_user("node01", "user3"); }, 10s));
  EXPECT_FALSE(has_user("node03", "user2"));  // it was away
  cluster.start_agent("node03");
  cluster.add_node("node04");
  cluster.start_agent("node04");
  ASSERT_TRUE(all_current(3, 4)) << directory_status().dump(2);
  for (const std::string n : {"node03", "node04"}) {
    EXPECT_TRUE(has_user(n, "user3")) << n;
    EXPECT_TRUE(has_user(n, "user2")) << n;
  }
}

TEST_F(DirectoryCluster, AnInvalidFileIsRefusedWithItsProblemsAndNothingIsPublished) {
  ASSERT_EQ(apply(1).exit_code, 0);
  ASSERT_TRUE(all_current(1, 3));
  const std::string file = cluster.dir() / "bad.yaml";
  std::ofstream(file) << users_file(1) << "  - {name: mallory, uid: 70001, primary_group: staff, home: /home/m}\n";
  const auto r = cluster.herd({"directory", "apply", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("bad.yaml:7: user \"mallory\": uid 70001 outside managed_uid_range [20000, 60000]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("nothing was applied"), std::string::npos);
  EXPECT_EQ(directory_status()["current_revision"], 1);
  EXPECT_FALSE(has_user("node01", "mallory"));
}

TEST_F(DirectoryCluster, DiffShowsTheChangeWithoutApplyingIt) {
  ASSERT_EQ(apply(1).exit_code, 0);
  const std::string file = cluster.dir() / "next.yaml";
  std::ofstream(file) << users_file(3);
  const auto r = cluster.herd({"directory", "diff", file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json change = json::parse(r.out);
  EXPECT_EQ(change["users_added"], json::array({"user2", "user3"}));
  EXPECT_EQ(change["base_revision"], 1);
  EXPECT_FALSE(change.contains("revision"));
  EXPECT_EQ(directory_status()["current_revision"], 1);
}

TEST_F(DirectoryCluster, ANodeThatCannotApplyKeepsItsFilesAndShowsWhy) {
  // node02 has a local account, outside the managed range, by the name of a
  // managed user: a collision the apply must refuse rather than resolve.
  {
    std::ofstream passwd(cluster.root_of("node02") + "/etc/passwd", std::ios::app);
    passwd << "user2:x:1500:100::/home/user2:/bin/sh\n";
  }
  const std::string before = read(cluster.root_of("node02") + "/etc/passwd");
  ASSERT_EQ(apply(2).exit_code, 0);
  ASSERT_TRUE(Cluster::eventually(
      [&] {
        const json s = directory_status();
        return s["nodes"][1u]["state"] == "failed" && s["nodes"][0u]["state"] == "current" &&
               s["nodes"][2u]["state"] == "current";
      },
      10s))
      << directory_status().dump(2);
  const json failed = directory_status()["nodes"][1u];
  EXPECT_EQ(failed["node"], "node02");
  EXPECT_NE(failed["result"]["errors"][0u].get<std::string>().find("user2"), std::string::npos) << failed.dump(2);
  EXPECT_EQ(read(cluster.root_of("node02") + "/etc/passwd"), before);  // nothing half-written
  const auto table = cluster.herd({"directory", "status"});
  EXPECT_NE(table.out.find("2/3 nodes at revision 1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("node02  failed"), std::string::npos) << table.out;
  EXPECT_NE(cluster.herd({"events", "--node", "node02"}).out.find("directory_failed"), std::string::npos);
}

TEST_F(DirectoryCluster, OnlyAdminsOnTheHeadNodeMayChangeTheDirectory) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as another user";
  ::chmod(cluster.dir().path().c_str(), 0755);
  const std::string file = cluster.dir() / "d.yaml";
  std::ofstream(file) << users_file(1);
  ::chmod(file.c_str(), 0644);
  ::chmod((cluster.dir() / "herd.toml").c_str(), 0644);
  const auto as_user = run_command({binary("cli/herd"), "--config", cluster.dir() / "herd.toml", "directory", "apply", file},
                                   10s, {}, 20001);
  EXPECT_EQ(as_user.exit_code, 1);
  EXPECT_NE(as_user.err.find("needs root or membership of the admin group"), std::string::npos) << as_user.err;
  // Root on a compute node, through its agent: still not the head node.
  std::ofstream(cluster.dir() / "node01-cli.toml") << "socket = \"ipc://" << cluster.agent_socket("node01") << "\"\n";
  const auto via_node = run_command({binary("cli/herd"), "--config", cluster.dir() / "node01-cli.toml", "directory",
                                     "apply", file},
                                    10s);
  EXPECT_EQ(via_node.exit_code, 1);
  EXPECT_NE(via_node.err.find("not a query this socket answers"), std::string::npos) << via_node.err;
  EXPECT_EQ(directory_status()["current_revision"], 0);
  EXPECT_NE(cluster.controller_log().find("refused a query of uid 20001"), std::string::npos);
}

}  // namespace
}  // namespace herd::test
