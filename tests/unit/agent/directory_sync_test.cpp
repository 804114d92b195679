#include "agent/directory_sync.hpp"

#include <gtest/gtest.h>

#include "directory/delta.hpp"

using namespace std::chrono_literals;

namespace herd::agent {
namespace {

protocol::DirectoryUser user(const std::string& name, uint32_t uid) {
  protocol::DirectoryUser u;
  u.name = name;
  u.uid = uid;
  return u;
}

protocol::DirectorySnapshot snapshot(uint64_t revision, std::vector<std::string> names) {
  protocol::DirectorySnapshot s;
  s.revision = revision;
  s.directory.emplace();
  uint32_t uid = 20001;
  for (const auto& n : names) s.directory->users.push_back(user(n, uid++));
  return s;
}

protocol::DirectoryUpdate add(uint64_t base, const std::string& name) {
  protocol::DirectoryUpdate u;
  u.base_revision = base;
  u.revision = base + 1;
  u.upsert_users.push_back(user(name, 30000));
  return u;
}

struct DirectorySyncTest : testing::Test {
  ManualClock clock;
  DirectorySync sync{clock};
};

TEST_F(DirectorySyncTest, ALateStarterAsksForASnapshotAndAppliesIt) {
  EXPECT_FALSE(sync.snapshot_due());
  sync.controller_at(3);  // welcome: the controller is at revision 3
  EXPECT_TRUE(sync.snapshot_due());
  sync.snapshot_sent();
  EXPECT_FALSE(sync.snapshot_due());  // not again at once
  sync.on_snapshot(snapshot(3, {"bob", "alice"}));
  auto work = sync.take_work();
  ASSERT_TRUE(work.has_value());
  EXPECT_EQ(work->revision, 3u);
  EXPECT_EQ(work->directory.users[0].name, "alice");  // canonical order
  EXPECT_FALSE(sync.take_work().has_value());         // handed out once
  EXPECT_FALSE(sync.snapshot_due());
}

TEST_F(DirectorySyncTest, UpdatesInOrderAreAppliedAsDeltas) {
  sync.on_snapshot(snapshot(1, {"alice"}));
  (void)sync.take_work();
  sync.on_update(add(1, "bob"));
  sync.on_update(add(2, "carol"));
  EXPECT_FALSE(sync.snapshot_due());
  auto work = sync.take_work();
  ASSERT_TRUE(work.has_value());
  EXPECT_EQ(work->revision, 3u);  // the newest: revision 2 was superseded before it was taken
  EXPECT_EQ(work->directory.users.size(), 3u);
}

TEST_F(DirectorySyncTest, AGapMeansASnapshotNotAGuess) {
  sync.on_snapshot(snapshot(1, {"alice"}));
  (void)sync.take_work();
  sync.on_update(add(2, "carol"));  // revision 2 was missed
  EXPECT_TRUE(sync.snapshot_due());
  EXPECT_FALSE(sync.take_work().has_value());
  EXPECT_EQ(sync.revision(), 1u);
}

TEST_F(DirectorySyncTest, DuplicatesAreIgnoredAndAnIdleAgentNoticesBeingBehind) {
  sync.on_snapshot(snapshot(2, {"alice"}));
  (void)sync.take_work();
  sync.on_update(add(1, "bob"));  // old news
  EXPECT_FALSE(sync.snapshot_due());
  EXPECT_FALSE(sync.take_work().has_value());
  sync.controller_at(2);
  EXPECT_FALSE(sync.snapshot_due());
  sync.controller_at(4);  // a tick: missed two revisions while disconnected
  EXPECT_TRUE(sync.snapshot_due());
}

TEST_F(DirectorySyncTest, AnUnansweredSnapshotRequestIsRepeatedAfterTheRetryInterval) {
  sync.controller_at(1);
  sync.snapshot_sent();
  clock.advance(kSnapshotRetry - 1ms);
  EXPECT_FALSE(sync.snapshot_due());
  clock.advance(1ms);
  EXPECT_TRUE(sync.snapshot_due());
}

TEST_F(DirectorySyncTest, SettingsChangesGoThroughASnapshot) {
  sync.on_snapshot(snapshot(1, {"alice"}));
  (void)sync.take_work();
  auto u = add(1, "bob");
  u.snapshot_required = true;
  sync.on_update(u);
  EXPECT_TRUE(sync.snapshot_due());
  EXPECT_FALSE(sync.take_work().has_value());
}

TEST_F(DirectorySyncTest, AControllerWithoutADirectoryChangesNothing) {
  sync.on_snapshot(protocol::DirectorySnapshot{});
  EXPECT_FALSE(sync.take_work().has_value());
  EXPECT_EQ(sync.revision(), 0u);
}

}  // namespace
}  // namespace herd::agent
