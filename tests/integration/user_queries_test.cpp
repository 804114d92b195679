// herd quota list, herd daemon status and herd node show as cluster users run
// them: through their node's agent socket, as different uids. The data comes
// from two simulated nodes (herd-swarm) reporting two users' quota, slices
// and user units, since this machine's kernel has no quota support; the
// booted VM nodes of the e2e tier test the same with real quotas.

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace herd::test {
namespace {

constexpr uid_t kAlice = 20001;
constexpr uid_t kBob = 20002;

class UserQueries : public testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as other users";
    // Other users must reach the agent socket inside the test directory.
    ::chmod(cluster.dir().path().c_str(), 0755);
    cluster.add_node("node01");
    cluster.start_controller();
    cluster.start_agent("node01");
    cluster.start_swarm(2, 2);
    ASSERT_TRUE(Cluster::eventually(
        [&] {
          const json s = cluster.status();
          return s["summary"]["up"] == 3;
        },
        15s))
        << cluster.controller_log();
    // Wait for both simulated nodes' first reports: 2 users x (shared home + 2 scratches).
    ASSERT_TRUE(Cluster::eventually([&] { return rows(0, {"--all"}) == 6; }, 10s));
  }

  CommandResult via_agent(uid_t uid, std::vector<std::string> args) {
    std::vector<std::string> argv{binary("cli/herd")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, 10s, {"HERD_CONFIG=" + cluster.dir() / "node01-cli.toml"}, uid);
  }
  CommandResult quota(uid_t uid, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"quota", "list", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return via_agent(uid, args);
  }
  std::size_t rows(uid_t uid, std::vector<std::string> extra = {}) {
    const auto r = quota(uid, std::move(extra));
    return r.exit_code == 0 ? json::parse(r.out)["rows"].size() : 0;
  }

  Cluster cluster;

 private:
  struct CliConfig {
    explicit CliConfig(Cluster& c) {
      std::FILE* f = std::fopen((c.dir() / "node01-cli.toml").c_str(), "w");
      std::fprintf(f, "socket = \"ipc://%s\"\n", c.agent_socket("node01").c_str());
      std::fclose(f);
      ::chmod((c.dir() / "node01-cli.toml").c_str(), 0644);
    }
  } cli_config_{cluster};
};

TEST_F(UserQueries, EachUserSeesOnlyTheirOwnQuotaWithTheSharedFilesystemCountedOnce) {
  for (const uid_t uid : {kAlice, kBob}) {
    const auto r = quota(uid);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json reply = json::parse(r.out);
    // Two simulated nodes: the shared home once, each node's scratch once.
    ASSERT_EQ(reply["rows"].size(), 3u) << r.out;
    int shared = 0;
    for (const auto& row : reply["rows"]) {
      EXPECT_EQ(row["quota"]["uid"], uid);
      if (row["filesystem"]["shared"].get<bool>()) {
        ++shared;
        EXPECT_FALSE(row.contains("node"));
      } else {
        EXPECT_TRUE(row["node"].get<std::string>().starts_with("swarm-"));
      }
    }
    EXPECT_EQ(shared, 1);
    ASSERT_EQ(reply["slices"].size(), 2u);
    for (const auto& s : reply["slices"]) EXPECT_EQ(s["slice"]["uid"], uid);
  }
}

TEST_F(UserQueries, AUserAskingForAnotherUserGetsNothingButARefusal) {
  const auto r = quota(kAlice, {"--user", std::to_string(kBob)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("uid 20001 may not see the data of uid 20002"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("forbidden"), std::string::npos) << r.err;
  const auto all = quota(kBob, {"--all"});
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_EQ(all.out, "");
  EXPECT_NE(cluster.controller_log().find("refused a query of uid 20001 on node node01"), std::string::npos);
}

TEST_F(UserQueries, RootSeesEveryone) {
  EXPECT_EQ(rows(0, {"--all"}), 6u);
  const auto bob = quota(0, {"--user", std::to_string(kBob)});
  ASSERT_EQ(bob.exit_code, 0) << bob.err;
  const json reply = json::parse(bob.out);  // named: ranging over a temporary's member dangles
  for (const auto& row : reply["rows"]) EXPECT_EQ(row["quota"]["uid"], kBob);
}

TEST_F(UserQueries, DaemonStatusShowsTheCallersUnitsOnEveryNode) {
  const auto r = via_agent(kAlice, {"daemon", "status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json units = json::parse(r.out)["units"];
  ASSERT_EQ(units.size(), 2u);  // one per simulated node
  for (const auto& u : units) {
    EXPECT_EQ(u["unit"]["uid"], kAlice);
    EXPECT_EQ(u["unit"]["unit"]["name"], "docker.service");
    EXPECT_EQ(u["unit"]["unit"]["active_state"], "active");
  }
  const auto one_node = via_agent(kAlice, {"daemon", "status", "--node", "swarm-00001", "--json"});
  ASSERT_EQ(one_node.exit_code, 0) << one_node.err;
  EXPECT_EQ(json::parse(one_node.out)["units"].size(), 1u);
  const auto table = via_agent(kBob, {"daemon", "status"});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("docker.service"), std::string::npos);
}

TEST_F(UserQueries, NodeShowGivesHealthToEveryoneButOnlyTheCallersRows) {
  const auto r = via_agent(kAlice, {"node", "show", "swarm-00001", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json reply = json::parse(r.out);
  EXPECT_EQ(reply["status"]["name"], "swarm-00001");
  EXPECT_EQ(reply["report"]["health"]["mounts"].at(0)["path"], "/scratch");
  for (const auto& q : reply["report"]["quotas"]) EXPECT_EQ(q["uid"], kAlice);
  EXPECT_EQ(reply["report"]["user_units"].size(), 1u);
  const auto missing = via_agent(kAlice, {"node", "show", "nonexistent"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no node named \"nonexistent\""), std::string::npos) << missing.err;
}

TEST_F(UserQueries, GarbageOnTheAgentSocketGetsAnErrorReply) {
  const auto r = via_agent(kAlice, {"status"});  // sanity: the socket works for this user
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A raw client sending junk is answered with an error, not dropped.
  const auto junk = run_command({"/usr/bin/python3", "-c",
                                 "import zmq,sys\n"
                                 "s=zmq.Context().socket(zmq.DEALER)\n"
                                 "s.connect(sys.argv[1]); s.send(b'\\xc1junk')\n"
                                 "assert s.poll(5000)\n"
                                 "import msgpack; m=msgpack.unpackb(s.recv())\n"
                                 "print(m['type'], m['body']['code'])",
                                 "ipc://" + cluster.agent_socket("node01")},
                                10s, {}, kAlice);
  EXPECT_EQ(junk.exit_code, 0) << junk.err;
  EXPECT_EQ(junk.out, "error bad_request\n");
}

TEST_F(UserQueries, WithoutTheControllerTheAgentAnswersForItsOwnNode) {
  cluster.stop_controller(SIGKILL);
  const auto r = via_agent(kAlice, {"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json reply = json::parse(r.out);
  ASSERT_EQ(reply["nodes"].size(), 1u);
  EXPECT_EQ(reply["nodes"][0]["name"], "node01");
  EXPECT_NE(reply["notice"].get<std::string>().find("showing this node only"), std::string::npos);
  const auto q = quota(kAlice);
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_TRUE(json::parse(q.out).contains("notice"));
}

}  // namespace
}  // namespace herd::test
