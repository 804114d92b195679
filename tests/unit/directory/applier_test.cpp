// DirectoryApplier, the agent's way of applying revision after revision:
// whatever it keeps between applies, every result, file and diagnostic is
// the one a fresh apply_directory gives, and edits made behind its back are
// seen. Needs root (per-user files are chowned); skips otherwise.

#include <fcntl.h>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/applier.hpp"
#include "directory/validate.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

#define REQUIRE_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: chown to managed uids"

// A directory large enough for changes in its middle: 40 users, 6 groups.
protocol::Directory base_directory() {
  protocol::Directory d;
  d.managed_uid_range = {20000, 60000};
  d.managed_gid_range = {20000, 60000};
  d.managed_user_directories = {{"/scratch/%u", 0700}};
  for (uint32_t g = 0; g < 6; ++g) d.groups.push_back({fmt::format("team{}", g), 20000 + g, {}});
  d.groups[5].members = {"u003", "u010"};
  for (uint32_t i = 0; i < 40; ++i) {
    auto u = test::user(fmt::format("u{:03}", i), 20100 + i, fmt::format("team{}", i % 5));
    u.groups = {fmt::format("team{}", (i + 1) % 5)};
    u.password = test::kSha512;
    u.gecos = fmt::format("User {}", i);
    if (i % 3 == 0) u.ssh_authorized_keys = {test::kEd25519};
    u.linger = i % 7 == 0;
    d.users.push_back(u);
  }
  return d;
}

// Everything under a root but what identifies files rather than their
// content: type, mode, owner and content of each path.
using Tree = std::map<std::string, std::tuple<mode_t, uid_t, gid_t, std::string>>;
Tree tree_of(const std::string& root) {
  Tree out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    const std::string path = e.path().string();
    const std::string rel = path.substr(root.size());
    if (rel == "/etc/.pwd.lock") continue;
    struct stat st {};
    ::lstat(path.c_str(), &st);
    std::string content = S_ISREG(st.st_mode) ? test::read_text(path) : std::string{};
    if (rel == std::string(kStatePath)) {
      // The state names the files' inodes and mtimes, which differ by root.
      std::string kept;
      for (std::size_t at = 0; at < content.size();) {
        const auto nl = content.find('\n', at);
        const std::string line = content.substr(at, nl - at + 1);
        if (!line.starts_with("etc ")) kept += line;
        at = nl == std::string::npos ? content.size() : nl + 1;
      }
      content = kept;
    }
    out[rel] = {st.st_mode, st.st_uid, st.st_gid, content};
  }
  return out;
}

// Everything but the duration, which differs from run to run.
void expect_same(const protocol::DirectoryApplyResult& a, const protocol::DirectoryApplyResult& b) {
  EXPECT_EQ(a.applied, b.applied);
  EXPECT_EQ(std::tie(a.users_added, a.users_changed, a.users_removed, a.groups_added, a.groups_changed,
                     a.groups_removed, a.files_written),
            std::tie(b.users_added, b.users_changed, b.users_removed, b.groups_added, b.groups_changed,
                     b.groups_removed, b.files_written));
  EXPECT_EQ(a.etc_files_written, b.etc_files_written);
  EXPECT_EQ(a.errors, b.errors);
  EXPECT_EQ(a.warnings, b.warnings);
}

// Two roots: one kept by a DirectoryApplier, one applied to afresh each time.
struct Twins {
  ManualClock clock;
  test::NodeRoot kept_root, fresh_root;
  DirectoryApplier applier{options(kept_root)};

  ApplyOptions options(const test::NodeRoot& root) const {
    ApplyOptions o;
    o.root = root.path();
    o.clock = &clock;
    return o;
  }
  protocol::DirectoryApplyResult apply(const protocol::Directory& d) {
    const auto kept = applier.apply(d);
    const auto fresh = apply_directory(d, options(fresh_root));
    expect_same(kept, fresh);
    EXPECT_EQ(tree_of(kept_root.path()), tree_of(fresh_root.path()));
    return kept;
  }
};

TEST(Applier, EveryRevisionGivesWhatAFreshApplyGives) {
  REQUIRE_ROOT();
  Twins t;
  auto d = base_directory();
  auto step = [&](const char* what) {
    SCOPED_TRACE(what);
    const auto r = t.apply(d);
    EXPECT_TRUE(r.applied) << fmt::format("{}", fmt::join(r.errors, "\n"));
    t.clock.advance(std::chrono::hours(25));  // a new day for each revision: shadow's last-change field
    return r;
  };
  step("first");
  EXPECT_EQ(step("unchanged").files_written, 0u);
  d.users.push_back(test::user("u100", 20500, "team2"));
  EXPECT_EQ(step("one user added at the end").users_added, 1u);
  d.users[17].gecos = "Someone Else";
  EXPECT_EQ(step("a gecos changed in the middle").users_changed, 1u);
  d.users[4].password = test::kOtherSha512;
  d.users[9].ssh_authorized_keys = {test::kEcdsa};
  EXPECT_EQ(step("a password and a key changed").users_changed, 2u);
  d.users.erase(d.users.begin() + 20);
  EXPECT_EQ(step("a user removed from the middle").users_removed, 1u);
  d.groups[2].members = {"u005"};
  EXPECT_EQ(step("a group's members changed").groups_changed, 1u);
  d.groups.push_back({"ml", 20050, {}});
  auto carol = test::user("carol", 20150, "ml");
  carol.groups = {"team1"};
  d.users.insert(d.users.begin() + 5, carol);
  const auto added = step("a group and a user in the middle added");
  EXPECT_EQ(added.groups_added, 1u);
  EXPECT_EQ(added.users_added, 1u);
  d.users[30].name = "renamed";
  step("a user renamed, keeping its uid");
  std::rotate(d.users.begin(), d.users.begin() + 12, d.users.begin() + 13);
  step("a user moved to the front");
  d.users[2].update_password = protocol::UpdatePassword::on_create;
  step("update_password set to on_create");
  d.users[2].password = "!";
  EXPECT_EQ(step("an on_create password changed").etc_files_written, std::vector<std::string>{});
  d.groups[1].gid = 20060;
  EXPECT_EQ(step("a group renumbered").groups_changed, 1u);
  std::erase_if(d.users, [](const protocol::DirectoryUser& u) { return u.name >= "u021" && u.name <= "u031"; });
  EXPECT_EQ(step("many users removed").users_removed, 10u);
  EXPECT_EQ(step("unchanged again").files_written, 0u);
}

// A root with base_directory() applied by a kept applier: where most
// tests below start.
class AppliedOnce : public testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ROOT();
    ApplyOptions o;
    o.root = root.path();
    applier.emplace(o);
    ASSERT_TRUE(applier->apply(d).applied);
  }
  test::NodeRoot root;
  std::optional<DirectoryApplier> applier;
  protocol::Directory d = base_directory();
};

TEST_F(AppliedOnce, AHandEditBetweenAppliesIsSeenAndRepaired) {
  const std::string good = test::read_text(root.etc("passwd"));

  std::string edited = good;
  edited.erase(edited.find("u007:"), edited.find('\n', edited.find("u007:")) + 1 - edited.find("u007:"));
  test::write_text(root.etc("passwd"), edited);
  auto r = applier->apply(d);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_added, 1u);
  EXPECT_EQ(test::read_text(root.etc("passwd")), good);

  // The same size and, restored by hand, the same mtime: still seen (ctime).
  struct stat before {};
  ::stat(root.etc("passwd").c_str(), &before);
  edited = good;
  edited.replace(edited.find("User 12"), 7, "User XY");
  test::write_text(root.etc("passwd"), edited);
  const struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, root.etc("passwd").c_str(), times, 0), 0);
  d.users[0].gecos = "Changed Too";  // not the unchanged fast path: the files are planned
  r = applier->apply(d);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_changed, 2u);
  EXPECT_EQ(test::read_text(root.etc("passwd")).find("User XY"), std::string::npos);
}

TEST_F(AppliedOnce, ARemovedUserLosesItsFiles) {
  ASSERT_TRUE(std::filesystem::exists(root / "etc/ssh/authorized_keys.d/u021"));
  ASSERT_TRUE(std::filesystem::exists(root / "var/lib/systemd/linger/u021"));
  d.users.erase(d.users.begin() + 21);
  const auto r = applier->apply(d);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(root / "etc/ssh/authorized_keys.d/u021"));
  EXPECT_FALSE(std::filesystem::exists(root / "var/lib/systemd/linger/u021"));
  EXPECT_FALSE(std::filesystem::exists(root / "scratch/u021"));
  EXPECT_EQ(test::read_text(root.etc("passwd")).find("u021:"), std::string::npos);
  EXPECT_EQ(test::read_text(root.etc("shadow")).find("u021:"), std::string::npos);
  EXPECT_EQ(test::read_text(root.etc("group")).find("u021"), std::string::npos);
}

TEST_F(AppliedOnce, AChangedGroupIsRewritten) {
  d.groups[5].members = {"u010", "u020", "u030"};
  const auto r = applier->apply(d);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.groups_changed, 1u);
  EXPECT_THAT(r.etc_files_written, ElementsAre("group", "gshadow"));
  EXPECT_THAT(test::read_text(root.etc("group")), testing::HasSubstr("\nteam5:x:20005:u010,u020,u030\n"));
}

// What a fresh apply of `d` says, into a copy of the same files.
std::vector<std::string> fresh_errors(const protocol::Directory& d) {
  test::NodeRoot root;
  ApplyOptions o;
  o.root = root.path();
  return apply_directory(d, o).errors;
}

TEST_F(AppliedOnce, AUidCollisionInALaterRevisionIsRefusedAsAFreshApplyRefusesIt) {
  const std::string passwd = test::read_text(root.etc("passwd"));
  auto dave = test::user("dave", d.users[8].uid, "team0");
  d.users.push_back(dave);
  const auto r = applier->apply(d);
  EXPECT_FALSE(r.applied);
  EXPECT_THAT(r.errors, ElementsAre("user \"dave\": uid 20108 is used twice (also at users[8].uid)"));
  EXPECT_EQ(r.errors, fresh_errors(d));
  EXPECT_EQ(r.errors, format_diagnostics(validate_directory(d), nullptr));
  EXPECT_EQ(test::read_text(root.etc("passwd")), passwd);
}

TEST_F(AppliedOnce, ManyProblemsInALaterRevisionGiveAFullValidationsDiagnostics) {
  d.users[3].ssh_authorized_keys = {"ssh-ed25519 AAAA-not-base64"};   // a changed record, bad
  d.users.push_back(test::user("u017", 20999, "team1"));              // a name an unchanged user has
  d.users[6].groups = {"nosuchgroup"};                                 // a reference to nothing
  d.groups[0].members = {"ghost"};                                     // a member that is no user
  d.groups.erase(d.groups.begin() + 4);                                // a group unchanged users name
  const auto r = applier->apply(d);
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(r.errors, format_diagnostics(validate_directory(d), nullptr));
  EXPECT_EQ(r.errors, fresh_errors(d));
  EXPECT_GE(r.errors.size(), 5u);
  // And the same applier goes on from the last good revision.
  EXPECT_TRUE(applier->apply(base_directory()).applied);
}

TEST_F(AppliedOnce, AStateFileRemovedByHandMakesEveryUsersFilesBeCheckedAgain) {
  std::filesystem::remove(root / "etc/ssh/authorized_keys.d/u030");
  std::filesystem::remove(root / std::string(kStatePath).substr(1));
  d.users[1].gecos = "a change, so that the files are planned";
  const auto r = applier->apply(d);
  ASSERT_TRUE(r.applied);
  EXPECT_THAT(r.errors, IsEmpty());
  EXPECT_TRUE(std::filesystem::exists(root / "etc/ssh/authorized_keys.d/u030"));
}

}  // namespace
}  // namespace herd::directory
