#include "directory/delta.hpp"

#include <gtest/gtest.h>

#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using test::small_directory;
using test::user;

protocol::Directory canonical(protocol::Directory d) {
  canonicalize(d);
  return d;
}

TEST(Delta, NothingChangedIsEmpty) {
  const auto d = canonical(small_directory());
  EXPECT_TRUE(compute_delta(d, d).empty());
}

TEST(Delta, NamesWhatWasAddedChangedAndRemoved) {
  const auto before = canonical(small_directory());
  auto after = before;
  after.users[0].gecos = "Alice A.";                    // alice changed
  after.users.erase(after.users.begin() + 1);           // bob removed
  after.users.push_back(user("carol", 20003, "students"));
  after.groups.push_back({"gpu", 20005, {"carol"}});
  after = canonical(after);
  const auto d = compute_delta(before, after);
  EXPECT_EQ(d.change.users_added, std::vector<std::string>{"carol"});
  EXPECT_EQ(d.change.users_changed, std::vector<std::string>{"alice"});
  EXPECT_EQ(d.change.users_removed, std::vector<std::string>{"bob"});
  EXPECT_EQ(d.change.groups_added, std::vector<std::string>{"gpu"});
  EXPECT_FALSE(d.change.settings_changed);
  // Only the changed records travel: alice and carol, not the rest.
  ASSERT_EQ(d.update.upsert_users.size(), 2u);
  EXPECT_EQ(d.update.remove_users, std::vector<std::string>{"bob"});
  EXPECT_FALSE(d.update.snapshot_required);
}

TEST(Delta, AppliedToTheOldCopyGivesTheNewDirectory) {
  const auto before = canonical(small_directory());
  auto after = before;
  after.users[1].shell = "/bin/zsh";
  after.users.push_back(user("aaron", 20009, "students"));  // sorts first
  after.groups.erase(after.groups.begin());
  after = canonical(after);
  auto copy = before;
  ASSERT_TRUE(apply_delta(copy, compute_delta(before, after).update).ok());
  EXPECT_EQ(copy, after);
}

TEST(Delta, SettingsChangesNeedASnapshot) {
  const auto before = canonical(small_directory());
  auto after = before;
  after.ssh_keys_dir = "/var/lib/keys/%u";
  const auto d = compute_delta(before, after);
  EXPECT_TRUE(d.change.settings_changed);
  EXPECT_TRUE(d.update.snapshot_required);
  auto copy = before;
  EXPECT_FALSE(apply_delta(copy, d.update).ok());
  EXPECT_EQ(copy, before);  // untouched
}

TEST(Delta, ADeltaThatDoesNotFitIsRefusedAndChangesNothing) {
  const auto before = canonical(small_directory());
  protocol::DirectoryUpdate update;
  update.revision = 2;
  update.base_revision = 1;
  update.upsert_users.push_back(user("zed", 20020, "students"));
  update.remove_users = {"nobody-here"};
  auto copy = before;
  auto s = apply_delta(copy, update);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "the update removes user \"nobody-here\", which this copy does not have");
  EXPECT_EQ(copy, before);
}

}  // namespace
}  // namespace herd::directory
