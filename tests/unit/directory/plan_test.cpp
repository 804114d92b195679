// The pure diff: /etc text in, /etc text and per-user work out.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/etc_files.hpp"
#include "directory/plan.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

constexpr int64_t kToday = 20000;

CurrentFiles base_files() {
  CurrentFiles c;
  c.text = {test::kBasePasswd, test::kBaseShadow, test::kBaseGroup, test::kBaseGshadow};
  c.label = {"R/etc/passwd", "R/etc/shadow", "R/etc/group", "R/etc/gshadow"};
  return c;
}

// The files as they are after `plan` (unchanged ones as they were).
CurrentFiles after(const CurrentFiles& before, const Plan& plan) {
  CurrentFiles c = before;
  for (std::size_t i = 0; i < kEtcFileCount; ++i) {
    if (plan.files[i]) c.text[i] = *plan.files[i];
  }
  return c;
}

// Applies `d` to the base files and returns the result with its state.
struct Applied {
  CurrentFiles files;
  AppliedState state;
};
Applied apply_once(const protocol::Directory& d, const CurrentFiles& from = base_files()) {
  auto plan = plan_apply(d, from, nullptr, kToday);
  EXPECT_TRUE(plan.ok()) << plan.error().message;
  AppliedState state = plan->next_state;
  for (auto& u : state.users) u.progress = Progress::complete;
  return {after(from, *plan), state};
}

TEST(Plan, AddsUsersAndGroupsAfterTheUnmanagedEntriesSortedById) {
  auto plan = plan_apply(test::small_directory(), base_files(), nullptr, kToday);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(*plan->files[0], test::kBasePasswd +
                                 "alice:x:20001:20001::/home/alice:/bin/bash\n"
                                 "bob:x:20002:20000::/home/bob:/bin/bash\n");
  EXPECT_EQ(*plan->files[1], test::kBaseShadow + "alice:" + test::kSha512 + ":20000:0:99999:7:::\n" +
                                 "bob:*:20000:0:99999:7:::\n");
  EXPECT_EQ(*plan->files[2], test::kBaseGroup + "students:x:20000:alice\nfaculty:x:20001:alice\n");
  EXPECT_EQ(*plan->files[3], test::kBaseGshadow + "students:!::alice\nfaculty:!::alice\n");
  EXPECT_EQ(plan->counts.users_added, 2u);
  EXPECT_EQ(plan->counts.groups_added, 2u);
  EXPECT_EQ(plan->work.size(), 2u);
  EXPECT_EQ(plan->shadow_gid, 42u);
}

TEST(Plan, UnchangedDirectoryGivesAnEmptyPlan) {
  const auto d = test::small_directory();
  const Applied a = apply_once(d);
  auto plan = plan_apply(d, a.files, &a.state, kToday + 30);  // a later day changes nothing either
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->files_unchanged());
  EXPECT_TRUE(plan->work.empty());
  EXPECT_TRUE(plan->removed.empty());
  EXPECT_EQ(plan->next_state, a.state);
  EXPECT_EQ(plan->counts.users_added + plan->counts.users_changed + plan->counts.users_removed, 0u);
  EXPECT_EQ(plan->counts.groups_added + plan->counts.groups_changed + plan->counts.groups_removed, 0u);
}

TEST(Plan, ChangedUserRewritesOnlyItsLineAndCountsOneChange) {
  auto d = test::small_directory();
  const Applied a = apply_once(d);
  d.users[1].gecos = "Bob Builder";
  auto plan = plan_apply(d, a.files, &a.state, kToday);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(*plan->files[0], HasSubstr("bob:x:20002:20000:Bob Builder:/home/bob:/bin/bash\n"));
  EXPECT_FALSE(plan->files[1]);
  EXPECT_FALSE(plan->files[2]);
  EXPECT_EQ(plan->counts.users_changed, 1u);
  ASSERT_EQ(plan->work.size(), 1u);
  EXPECT_EQ(plan->work[0].user->name, "bob");
}

TEST(Plan, RemovedUserAndGroupDisappearAndAreCounted) {
  auto d = test::small_directory();
  const Applied a = apply_once(d);
  d.users.pop_back();  // bob
  d.users[0].groups.clear();
  auto plan = plan_apply(d, a.files, &a.state, kToday);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->files[0]->find("bob:"), std::string::npos);
  EXPECT_EQ(plan->files[1]->find("bob:"), std::string::npos);
  ASSERT_EQ(plan->removed.size(), 1u);
  EXPECT_EQ(plan->removed[0].name, "bob");
  EXPECT_EQ(plan->removed[0].home, "/home/bob");
  EXPECT_EQ(plan->counts.users_removed, 1u);
  EXPECT_EQ(plan->counts.groups_changed, 1u);  // students lost alice
}

TEST(Plan, UnmanagedEntriesStayByteForByteAndInOrder) {
  CurrentFiles c = base_files();
  // Odd but real content: a comment, a NIS line, a managed entry between
  // unmanaged ones, no aging fields, CRLF on one line.
  c.text[0] = "# local accounts\nroot:x:0:0:root:/root:/bin/bash\nold:x:20009:20000::/home/old:/bin/sh\n"
              "weird:x:1001:1001:a,b,,:/home/weird:/bin/zsh\r\n+::::::\n";
  c.text[1] = "root:*:19000::::::\nold:!:1:0:99999:7:::\nweird:!:19000:0:99999:7:::\n";
  auto plan = plan_apply(test::small_directory(), c, nullptr, kToday);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_THAT(*plan->files[0], testing::StartsWith("# local accounts\nroot:x:0:0:root:/root:/bin/bash\n"
                                                   "weird:x:1001:1001:a,b,,:/home/weird:/bin/zsh\r\n+::::::\nalice:"));
  EXPECT_THAT(*plan->files[1], testing::StartsWith("root:*:19000::::::\nweird:!:19000:0:99999:7:::\nalice:"));
  EXPECT_EQ(plan->removed.size(), 1u);  // "old" was managed (uid in range) and is not in the directory
}

TEST(Plan, NameCollisionWithAnUnmanagedEntryIsAnError) {
  auto d = test::small_directory();
  d.users[1].name = "localadm";
  d.groups[0].name = "docker";
  d.users[1].primary_group = "docker";
  auto plan = plan_apply(d, base_files(), nullptr, kToday);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "user \"localadm\": name collides with an unmanaged entry at R/etc/passwd:4 (uid 1000, outside "
            "managed_uid_range [20000, 60000])\n"
            "group \"docker\": name collides with an unmanaged entry at R/etc/group:6 (gid 999, outside "
            "managed_gid_range [20000, 60000])");
}

TEST(Plan, UidChangeOfAnExistingUserIsRefused) {
  auto d = test::small_directory();
  const Applied a = apply_once(d);
  d.users[1].uid = 20005;
  auto plan = plan_apply(d, a.files, &a.state, kToday);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "user \"bob\": changing uid 20002 to 20005 is refused: an existing user keeps its uid (files on every "
            "filesystem belong to it); remove the user in one revision and add it back in the next to renumber");
}

TEST(Plan, OnCreateNeverOverwritesAnExistingHash) {
  auto d = test::small_directory();
  d.users[0].update_password = protocol::UpdatePassword::on_create;
  const Applied a = apply_once(d);
  d.users[0].password = test::kOtherSha512;
  auto plan = plan_apply(d, a.files, &a.state, kToday + 1);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->files[1]);  // shadow untouched
  d.users[0].update_password = protocol::UpdatePassword::always;
  plan = plan_apply(d, a.files, &a.state, kToday + 1);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(*plan->files[1], HasSubstr("alice:" + test::kOtherSha512 + ":20001:0:99999:7:::\n"));
}

TEST(Plan, PasswordChangeKeepsTheAgingFieldsAnAdminSet) {
  auto d = test::small_directory();
  Applied a = apply_once(d);
  const auto at = a.files.text[1].find("bob:*:20000:0:99999:7:::");
  a.files.text[1].replace(at, 25, "bob:*:20000:1:90:14:30::");  // chage
  d.users[1].password = "!";
  auto plan = plan_apply(d, a.files, &a.state, kToday + 5);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(*plan->files[1], HasSubstr("bob:!:20005:1:90:14:30::\n"));
}

TEST(Plan, MalformedLinesAreErrorsNamingFileAndLine) {
  CurrentFiles c = base_files();
  c.text[0] += "broken:x:abc:0::/:/bin/sh\nshort:x:1\n";
  c.text[2] += "g:x:\n";
  auto plan = plan_apply(test::small_directory(), c, nullptr, kToday);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "R/etc/passwd:5: uid \"abc\" is not a number\n"
            "R/etc/passwd:6: expected 7 fields separated by ':', found 3\n"
            "R/etc/group:7: expected 4 fields separated by ':', found 3");
}

TEST(Plan, RemovingAUserListedByAnUnmanagedGroupWarns) {
  auto d = test::small_directory();
  Applied a = apply_once(d);
  a.files.text[2].replace(a.files.text[2].find("docker:x:999:localadm"), 21, "docker:x:999:localadm,bob");
  d.users.pop_back();
  auto plan = plan_apply(d, a.files, &a.state, kToday);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(plan->warnings, ElementsAre("unmanaged group \"docker\" (gid 999) still lists removed user \"bob\""));
  EXPECT_FALSE(plan->files[2]);  // the unmanaged group is never edited (and nothing else changed)
}

TEST(Plan, KeyChangeIsWorkWithoutTouchingEtc) {
  auto d = test::small_directory();
  const Applied a = apply_once(d);
  d.users[0].ssh_authorized_keys.pop_back();
  auto plan = plan_apply(d, a.files, &a.state, kToday);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->files_unchanged());
  ASSERT_EQ(plan->work.size(), 1u);
  EXPECT_EQ(plan->counts.users_changed, 1u);
}

TEST(AppliedState, RoundTripsAndRejectsCorruption) {
  AppliedState s;
  s.ssh_keys_dir = "/etc/ssh/keys/%u";
  s.managed_user_directories = {{"/scratch dir/%u", 0750}};
  s.users = {{"alice", 20001, 0x0123456789abcdefULL, Progress::complete},
             {"bob", 20002, 42, Progress::quota_pending},
             {"carol", 20003, 7, Progress::pending}};
  const std::string text = format_state(s);
  EXPECT_EQ(parse_state(text), s);
  EXPECT_FALSE(parse_state(text.substr(0, text.size() - 3)));  // truncated
  EXPECT_FALSE(parse_state("herd-directory-state 1\nuser ../etc 1 2 1\n"));  // a name that could reach outside
  EXPECT_FALSE(parse_state("herd-directory-state 1\nssh_keys_dir /%u\n"));
  EXPECT_FALSE(parse_state("something else\n"));
}

}  // namespace
}  // namespace herd::directory
