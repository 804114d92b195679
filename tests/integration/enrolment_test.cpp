// Key enrolment with a real controller and real agents over CURVE on
// loopback (SPEC §4): pending -> accept -> up; reject; revoke closes the
// node's connections for good; a claim on an enrolled name never replaces
// its key; all of it survives a controller restart.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;

namespace herd::test {
namespace {

constexpr const char* kPending = "enrolment = \"pending\"\n";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json keys_list(Cluster& c) {
  const CommandResult r = c.herd({"keys", "list", "--json"});
  if (r.exit_code != 0) throw std::runtime_error("herd keys list --json: " + r.out + r.err);
  return nlohmann::json::parse(r.out);
}

// The key entry (pending, rejected, revoked) claiming `node` in `state`, or null.
nlohmann::json key_entry(Cluster& c, const std::string& node, const std::string& state) {
  const nlohmann::json list = keys_list(c);
  for (const auto& k : list["keys"]) {
    if (k["node"] == node && k["state"] == state) return k;
  }
  return nullptr;
}

bool enrolled(Cluster& c, const std::string& node) {
  const nlohmann::json list = keys_list(c);
  for (const auto& e : list["enrolled"]) {
    if (e["node"] == node) return true;
  }
  return false;
}

bool has_event(Cluster& c, const std::string& kind, const std::string& node, const std::string& text) {
  const nlohmann::json events = c.events();
  for (const auto& e : events["events"]) {
    if (e["kind"] == kind && e["node"] == node && e["detail"].get<std::string>().find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(Enrolment, APendingKeyIsListedAndAcceptBringsTheNodeUp) {
  Cluster c;
  c.add_node("node07", /*enrol=*/false);
  c.start_controller(kPending);
  c.start_agent("node07");
  ASSERT_TRUE(Cluster::eventually([&] { return !key_entry(c, "node07", "pending").is_null(); }, 10s))
      << c.controller_log();
  EXPECT_EQ(c.node_state("node07"), "absent") << "a pending key grants nothing";
  const nlohmann::json entry = key_entry(c, "node07", "pending");
  EXPECT_EQ(entry["address"], "127.0.0.1");
  EXPECT_FALSE(entry["conflict"].get<bool>());

  const CommandResult table = c.herd({"keys", "list"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("herd keys accept node07"), std::string::npos) << table.out;

  const CommandResult accept = c.herd({"keys", "accept", "node07"});
  ASSERT_EQ(accept.exit_code, 0) << accept.out << accept.err;
  EXPECT_TRUE(std::filesystem::exists(c.dir() / "keys/node07.pub"));
  EXPECT_TRUE(Cluster::eventually([&] { return c.node_state("node07") == "up"; }, 10s)) << c.controller_log();
  EXPECT_TRUE(enrolled(c, "node07"));
  EXPECT_TRUE(key_entry(c, "node07", "pending").is_null());
  EXPECT_TRUE(has_event(c, "key_pending", "node07", "claims node node07"));
  EXPECT_TRUE(has_event(c, "key_accepted", "node07", "accepted by uid " + std::to_string(::geteuid())));
}

TEST(Enrolment, WithEnrolmentOffAnUnknownKeyIsNotKept) {
  Cluster c;
  c.add_node("node07", /*enrol=*/false);
  c.start_controller();
  c.start_agent("node07");
  ASSERT_TRUE(Cluster::eventually(
      [&] { return c.controller_log().find("refused agent connection") != std::string::npos; }, 10s));
  EXPECT_TRUE(keys_list(c)["keys"].empty());
  const CommandResult accept = c.herd({"keys", "accept", "node07"});
  EXPECT_EQ(accept.exit_code, 2);
  EXPECT_NE(accept.err.find("no key is pending for node \"node07\""), std::string::npos) << accept.err;
}

TEST(Enrolment, ARejectedKeyStaysRefusedAndIsNotPendingAgain) {
  Cluster c;
  c.add_node("node08", /*enrol=*/false);
  c.start_controller(kPending);
  c.start_agent("node08");
  ASSERT_TRUE(Cluster::eventually([&] { return !key_entry(c, "node08", "pending").is_null(); }, 10s));
  const CommandResult reject = c.herd({"keys", "reject", "node08"});
  ASSERT_EQ(reject.exit_code, 0) << reject.err;
  const uint64_t attempts = key_entry(c, "node08", "rejected")["attempts"];
  // The agent keeps trying; each attempt is refused and counted, never pending again.
  ASSERT_TRUE(Cluster::eventually(
      [&] { return key_entry(c, "node08", "rejected")["attempts"].get<uint64_t>() > attempts + 1; }, 10s));
  EXPECT_TRUE(key_entry(c, "node08", "pending").is_null());
  EXPECT_EQ(c.node_state("node08"), "absent");
  EXPECT_FALSE(std::filesystem::exists(c.dir() / "keys/node08.pub"));
  const CommandResult accept = c.herd({"keys", "accept", "node08"});
  EXPECT_EQ(accept.exit_code, 2);
  EXPECT_TRUE(has_event(c, "key_rejected", "node08", "rejected by uid"));
}

TEST(Enrolment, BadInputIsAClearErrorWithStatusTwo) {
  Cluster c;
  c.add_node("node01");
  c.start_controller(kPending);
  const CommandResult unknown = c.herd({"keys", "revoke", "nosuchnode"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("node \"nosuchnode\" is not enrolled"), std::string::npos) << unknown.err;
  const CommandResult nothing = c.herd({"keys", "reject", "node01"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("no key is pending for node \"node01\""), std::string::npos) << nothing.err;
  const CommandResult bad_name = c.herd({"keys", "accept", "Bad/Name"});
  EXPECT_EQ(bad_name.exit_code, 2);
  EXPECT_NE(bad_name.err.find("node name"), std::string::npos) << bad_name.err;
  EXPECT_EQ(c.herd({"keys", "accept"}).exit_code, 2);
}

TEST(Enrolment, OnlyAdminsOnTheHeadNodeMayListOrDecide) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as another user";
  Cluster c;
  c.add_node("node01");
  c.start_controller(kPending);
  c.start_agent("node01");
  ASSERT_TRUE(Cluster::eventually([&] { return c.node_state("node01") == "up"; }, 10s));
  ::chmod(c.dir().path().c_str(), 0755);
  ::chmod((c.dir() / "herd.toml").c_str(), 0644);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"keys", "list"},
                                               std::vector<std::string>{"keys", "revoke", "node01"}}) {
    std::vector<std::string> argv{binary("cli/herd"), "--config", c.dir() / "herd.toml"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto as_user = run_command(argv, 10s, {}, 20001);
    EXPECT_EQ(as_user.exit_code, 1) << args.back();
    EXPECT_NE(as_user.err.find("needs root or membership of the admin group"), std::string::npos) << as_user.err;
  }
  // Root on a compute node: its agent does not even forward key commands.
  std::ofstream(c.dir() / "node01-cli.toml") << "socket = \"ipc://" << c.agent_socket("node01") << "\"\n";
  const auto via_node = run_command({binary("cli/herd"), "--config", c.dir() / "node01-cli.toml", "keys", "revoke",
                                     "node01"},
                                    10s);
  EXPECT_NE(via_node.exit_code, 0);
  EXPECT_NE(via_node.err.find("is not a query this socket answers"), std::string::npos) << via_node.err;
  EXPECT_TRUE(std::filesystem::exists(c.dir() / "keys/node01.pub"));
  EXPECT_NE(c.controller_log().find("refused a query of uid 20001"), std::string::npos);
}

TEST(Enrolment, RevokeDisconnectsTheNodeAndItNeverComesBack) {
  Cluster c;
  c.add_node("node01");
  c.add_node("node02");
  c.start_controller(kPending);
  c.start_agent("node01");
  c.start_agent("node02");
  ASSERT_TRUE(Cluster::eventually(
      [&] { return c.node_state("node01") == "up" && c.node_state("node02") == "up"; }, 10s));
  const auto revoked_at = std::chrono::steady_clock::now();
  const CommandResult revoke = c.herd({"keys", "revoke", "node01"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  // Both of its connections (agent channel and publish channel) were closed.
  EXPECT_NE(revoke.out.find("2 connections closed"), std::string::npos) << revoke.out;
  ASSERT_TRUE(Cluster::eventually([&] { return c.node_state("node01") == "down"; }, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, 3s) << "down within down_after";
  EXPECT_FALSE(std::filesystem::exists(c.dir() / "keys/node01.pub"));
  // Its agent keeps retrying (every 100 ms to 1 s here): refused each time.
  const uint64_t attempts = key_entry(c, "node01", "revoked")["attempts"];
  ASSERT_TRUE(Cluster::eventually(
      [&] { return key_entry(c, "node01", "revoked")["attempts"].get<uint64_t>() > attempts + 1; }, 10s));
  EXPECT_EQ(c.node_state("node01"), "down");
  EXPECT_EQ(c.node_state("node02"), "up") << "other nodes are untouched";
  EXPECT_TRUE(key_entry(c, "node01", "pending").is_null()) << "a revoked key never becomes pending";
  EXPECT_TRUE(has_event(c, "key_revoked", "node01", "revoked by uid"));
  EXPECT_TRUE(has_event(c, "node_down", "node01", "key revoked"));
}

TEST(Enrolment, AClaimOnAnEnrolledNameWithAnotherKeyNeverReplacesIt) {
  Cluster c;
  c.add_node("node01");
  c.start_controller(kPending);
  c.start_agent("node01");
  ASSERT_TRUE(Cluster::eventually([&] { return c.node_state("node01") == "up"; }, 10s));
  const std::string original = read_text(c.dir() / "keys/node01.pub");

  // An impostor: another key that says it is node01.
  std::filesystem::create_directories(c.dir() / "impostor");
  ASSERT_EQ(run_command({binary("cli/herd"), "keys", "gen", "--out", c.dir() / "impostor/node01"}, 10s).exit_code, 0);
  std::string config = read_text(c.agent_config("node01"));
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = config.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    config.replace(at, from.size(), to);
  };
  replace(c.key_path("node01"), c.dir() / "impostor/node01.key");
  replace(c.agent_socket("node01"), c.dir() / "impostor/agent.sock");
  {
    std::ofstream out(c.dir() / "impostor/agent.toml");
    out << config << "manage_directory = false\n";
  }
  Process impostor({binary("agent/herd-agent"), "--config", c.dir() / "impostor/agent.toml"},
                   c.dir() / "impostor/agent.log");

  ASSERT_TRUE(Cluster::eventually([&] { return !key_entry(c, "node01", "pending").is_null(); }, 10s))
      << c.controller_log();
  EXPECT_TRUE(key_entry(c, "node01", "pending")["conflict"].get<bool>());
  const CommandResult accept = c.herd({"keys", "accept", "node01"});
  EXPECT_EQ(accept.exit_code, 2);
  EXPECT_NE(accept.err.find("revoke it first"), std::string::npos) << accept.err;
  EXPECT_EQ(read_text(c.dir() / "keys/node01.pub"), original);
  EXPECT_NE(c.controller_log().find("which is enrolled with another key"), std::string::npos);
  std::this_thread::sleep_for(1500ms);  // the impostor keeps trying meanwhile
  EXPECT_EQ(c.node_state("node01"), "up");
  EXPECT_EQ(read_text(c.dir() / "keys/node01.pub"), original);
}

TEST(Enrolment, PendingRejectedAndRevokedKeysSurviveAControllerRestart) {
  Cluster c;
  c.add_node("node01");
  c.add_node("node07", /*enrol=*/false);
  c.add_node("node08", /*enrol=*/false);
  c.start_controller(kPending);
  c.start_agent("node01");
  c.start_agent("node07");
  c.start_agent("node08");
  ASSERT_TRUE(Cluster::eventually(
      [&] {
        return !key_entry(c, "node07", "pending").is_null() && !key_entry(c, "node08", "pending").is_null() &&
               c.node_state("node01") == "up";
      },
      10s));
  ASSERT_EQ(c.herd({"keys", "reject", "node08"}).exit_code, 0);
  ASSERT_EQ(c.herd({"keys", "revoke", "node01"}).exit_code, 0);
  c.stop_controller(SIGTERM);
  c.start_controller(kPending);
  EXPECT_FALSE(key_entry(c, "node07", "pending").is_null());
  EXPECT_FALSE(key_entry(c, "node08", "rejected").is_null());
  const nlohmann::json revoked = key_entry(c, "node01", "revoked");
  ASSERT_FALSE(revoked.is_null());
  EXPECT_NE(revoked["decided_by"].get<std::string>().find("uid "), std::string::npos);
  // The restarted controller still refuses the rejected and revoked keys, and can accept the pending one.
  ASSERT_EQ(c.herd({"keys", "accept", "node07"}).exit_code, 0);
  EXPECT_TRUE(Cluster::eventually([&] { return c.node_state("node07") == "up"; }, 10s)) << c.controller_log();
  EXPECT_NE(c.node_state("node01"), "up");
  EXPECT_EQ(c.node_state("node08"), "absent");
  EXPECT_TRUE(key_entry(c, "node08", "pending").is_null());
}

}  // namespace
}  // namespace herd::test
