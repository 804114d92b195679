#include "controller/directory_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;

namespace herd::controller {
namespace {

// A directory file as an admin writes it.
std::string file(const std::string& extra_user = "") {
  std::string text = R"(managed_uid_range: [20000, 60000]
managed_gid_range: [20000, 60000]
groups:
  - {name: students, gid: 20000}
users:
  - {name: alice, uid: 20001, primary_group: students, home: /home/alice}
)";
  return text + extra_user;
}

const std::string kBob = "  - {name: bob, uid: 20002, primary_group: students, home: /home/bob}\n";

struct DirectoryStateTest : testing::Test {
  DirectoryState state;
  ManualClock clock;

  uint64_t commit(const std::string& text) {
    auto p = state.propose("d.yaml", text, "uid 0 (root)", clock.wall());
    EXPECT_TRUE(p.change.valid);
    if (!p.revision) return state.revision();
    state.commit(*p.revision);
    return state.revision();
  }
  protocol::DirectoryAck ack(uint64_t revision, bool applied, std::string error = "") {
    protocol::DirectoryAck a;
    a.revision = revision;
    a.result.applied = applied;
    if (!error.empty()) a.result.errors.push_back(error);
    return a;
  }
};

TEST_F(DirectoryStateTest, FirstRevisionIsOneAndAgentsFetchItWhole) {
  auto p = state.propose("d.yaml", file(), "uid 0 (root)", clock.wall());
  ASSERT_TRUE(p.change.valid);
  EXPECT_EQ(p.change.base_revision, 0u);
  EXPECT_EQ(p.change.revision, 1u);
  EXPECT_EQ(p.change.users_added, std::vector<std::string>{"alice"});
  ASSERT_TRUE(p.update.has_value());
  EXPECT_TRUE(p.update->snapshot_required);
  ASSERT_TRUE(p.revision.has_value());
  EXPECT_EQ(p.revision->info.author, "uid 0 (root)");
  EXPECT_EQ(p.revision->info.users, 1u);
}

TEST_F(DirectoryStateTest, AnInvalidFileChangesNothingAndSaysWhere) {
  commit(file());
  auto p = state.propose("d.yaml", file("  - {name: Bob!, uid: 70001, primary_group: nope, home: rel}\n"),
                         "uid 0 (root)", clock.wall());
  EXPECT_FALSE(p.change.valid);
  EXPECT_FALSE(p.revision.has_value());
  EXPECT_FALSE(p.update.has_value());
  ASSERT_FALSE(p.change.errors.empty());
  EXPECT_THAT(p.change.errors[0], testing::StartsWith("d.yaml:7:"));
  EXPECT_EQ(state.revision(), 1u);
}

TEST_F(DirectoryStateTest, TheSameFileAgainIsNoNewRevision) {
  commit(file());
  auto p = state.propose("d.yaml", file(), "uid 0 (root)", clock.wall());
  EXPECT_TRUE(p.change.valid);
  EXPECT_FALSE(p.revision.has_value());
  EXPECT_FALSE(p.change.revision.has_value());
}

TEST_F(DirectoryStateTest, ANewUserIsADeltaOfOneUser) {
  commit(file());
  auto p = state.propose("d.yaml", file(kBob), "uid 0 (root)", clock.wall());
  ASSERT_TRUE(p.update.has_value());
  EXPECT_EQ(p.update->revision, 2u);
  EXPECT_EQ(p.update->base_revision, 1u);
  EXPECT_FALSE(p.update->snapshot_required);
  ASSERT_EQ(p.update->upsert_users.size(), 1u);
  EXPECT_EQ(p.update->upsert_users[0].name, "bob");
  EXPECT_TRUE(p.update->upsert_groups.empty());
}

TEST_F(DirectoryStateTest, ConvergenceSaysWhoIsCurrentBehindFailedOrUnknown) {
  commit(file());
  state.record_ack("current", ack(1, true), clock.wall());
  commit(file(kBob));
  state.record_ack("current", ack(2, true), clock.wall());
  state.record_ack("behind", ack(1, true), clock.wall());
  state.record_ack("failed", ack(1, true), clock.wall());
  state.record_ack("failed", ack(2, false, "uid 20002 of bob is taken by unmanaged user \"eve\""), clock.wall());
  const auto s = state.status({"behind", "current", "failed", "silent"});
  EXPECT_EQ(s.current_revision, 2u);
  ASSERT_EQ(s.nodes.size(), 4u);
  EXPECT_EQ(s.nodes[0].state, protocol::ConvergenceState::behind);
  EXPECT_EQ(s.nodes[1].state, protocol::ConvergenceState::current);
  EXPECT_EQ(s.nodes[2].state, protocol::ConvergenceState::failed);
  EXPECT_EQ(s.nodes[2].applied_revision, 1u);  // it kept its old files
  EXPECT_THAT(s.nodes[2].result->errors[0], HasSubstr("taken by unmanaged user"));
  EXPECT_EQ(s.nodes[3].state, protocol::ConvergenceState::unknown);
  // Revisions still in use, newest first, with their node counts.
  ASSERT_EQ(s.revisions.size(), 2u);
  EXPECT_EQ(s.revisions[0].revision, 2u);
  EXPECT_EQ(s.revisions[0].nodes, 1u);
  EXPECT_EQ(s.revisions[1].revision, 1u);
  EXPECT_EQ(s.revisions[1].nodes, 2u);
}

}  // namespace
}  // namespace herd::controller
