// The writer on real files in a temporary root: shadow-utils' own checkers
// accept the result, the C library reads every entry back, nothing is
// written twice, refusals write nothing, and per-user files follow users.
// Needs root (chown to other uids, pwck -R chroots); skips otherwise.

#include <array>
#include <cstdio>
#include <grp.h>
#include <map>
#include <pwd.h>
#include <shadow.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/apply.hpp"
#include "directory/passwd_lock.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

#define REQUIRE_ROOT()                                                                      \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: chown to managed uids, pwck -R chroot"

struct Command {
  int status = -1;
  std::string output;
};
Command run(const std::string& command) {
  Command c;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return c;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) c.output += buf.data();
  c.status = ::pclose(p);
  return c;
}

struct stat stat_of(const std::string& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st;
}

// Modification times of every file under `root`, to prove nothing was written.
std::map<std::string, int64_t> mtimes(const std::string& root) {
  std::map<std::string, int64_t> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    const struct stat st = stat_of(e.path().string());
    out[e.path().string()] = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
  }
  return out;
}

protocol::Directory full_directory() {
  auto d = test::small_directory();
  d.create_home = true;
  d.managed_user_directories = {{"/scratch/%u", 0700}, {"/var/spool/jobs/%U", 0750}};
  d.users[0].linger = true;
  d.users[0].gecos = "Alice Liddell,Room 42,,";
  return d;
}

protocol::DirectoryApplyResult apply(const protocol::Directory& d, const test::NodeRoot& root) {
  ApplyOptions o;
  o.root = root.path();
  return apply_directory(d, o);
}

TEST(Writer, OutputPassesPwckAndGrpck) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  const auto r = apply(full_directory(), root);
  ASSERT_TRUE(r.applied) << fmt::format("{}", fmt::join(r.errors, "\n"));
  EXPECT_THAT(r.errors, IsEmpty());
  const Command pwck = run("pwck -r -R " + root.path());
  EXPECT_EQ(pwck.status, 0) << pwck.output;
  const Command grpck = run("grpck -r -R " + root.path());
  EXPECT_EQ(grpck.status, 0) << grpck.output;
}

TEST(Writer, TheCLibraryReadsBackEveryManagedEntry) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  const auto d = full_directory();
  ASSERT_TRUE(apply(d, root).applied);

  std::map<std::string, passwd> users;
  std::map<std::string, std::string> homes, shells, gecos, hashes;
  FILE* f = std::fopen(root.etc("passwd").c_str(), "r");
  ASSERT_NE(f, nullptr);
  while (passwd* p = ::fgetpwent(f)) {
    users[p->pw_name] = *p;
    homes[p->pw_name] = p->pw_dir;
    shells[p->pw_name] = p->pw_shell;
    gecos[p->pw_name] = p->pw_gecos;
  }
  std::fclose(f);
  f = std::fopen(root.etc("shadow").c_str(), "r");
  ASSERT_NE(f, nullptr);
  while (spwd* s = ::fgetspent(f)) hashes[s->sp_namp] = s->sp_pwdp;
  std::fclose(f);
  std::map<std::string, std::pair<gid_t, std::vector<std::string>>> groups;
  f = std::fopen(root.etc("group").c_str(), "r");
  ASSERT_NE(f, nullptr);
  while (group* g = ::fgetgrent(f)) {
    auto& entry = groups[g->gr_name];
    entry.first = g->gr_gid;
    for (char** m = g->gr_mem; *m != nullptr; ++m) entry.second.emplace_back(*m);
  }
  std::fclose(f);

  for (const auto& u : d.users) {
    ASSERT_TRUE(users.contains(u.name)) << u.name;
    EXPECT_EQ(users[u.name].pw_uid, u.uid);
    EXPECT_EQ(homes[u.name], u.home);
    EXPECT_EQ(shells[u.name], u.shell);
    EXPECT_EQ(gecos[u.name], u.gecos);
    EXPECT_EQ(hashes[u.name], u.password);
  }
  EXPECT_EQ(users["alice"].pw_gid, 20001u);
  EXPECT_EQ(groups["students"].first, 20000u);
  EXPECT_THAT(groups["students"].second, ElementsAre("alice"));
  EXPECT_THAT(groups["faculty"].second, ElementsAre("alice"));
  EXPECT_TRUE(users.contains("localadm"));  // unmanaged entries still there
}

TEST(Writer, ApplyingTwiceWritesNothingTheSecondTime) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  const auto d = full_directory();
  const auto first = apply(d, root);
  ASSERT_TRUE(first.applied);
  EXPECT_EQ(first.users_added, 2u);
  EXPECT_THAT(first.etc_files_written, ElementsAre("passwd", "shadow", "group", "gshadow"));
  const auto before = mtimes(root.path());
  const auto second = apply(d, root);
  EXPECT_TRUE(second.applied);
  EXPECT_EQ(second.files_written, 0u);
  EXPECT_THAT(second.etc_files_written, IsEmpty());
  EXPECT_EQ(second.users_added + second.users_changed + second.users_removed, 0u);
  EXPECT_EQ(mtimes(root.path()), before);
}

TEST(Writer, AHandEditOfEtcIsRepairedByTheNextApply) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  const auto d = full_directory();
  ASSERT_TRUE(apply(d, root).applied);
  const std::string good = test::read_text(root.etc("passwd"));
  std::string edited = good;
  edited.erase(edited.find("bob:"));  // someone removed bob (and his line) by hand
  test::write_text(root.etc("passwd"), edited);
  const auto r = apply(d, root);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_added, 1u);
  EXPECT_EQ(test::read_text(root.etc("passwd")), good);
}

TEST(Writer, ModesOwnersAndBackupsFollowShadowUtils) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  ::chmod(root.etc("shadow").c_str(), 0604);  // world-readable by mistake: herd does not keep that bit
  ::unlink(root.etc("gshadow").c_str());      // missing: created like shadow-utils would
  const std::string old_passwd = test::read_text(root.etc("passwd"));
  ASSERT_TRUE(apply(full_directory(), root).applied);
  EXPECT_EQ(stat_of(root.etc("passwd")).st_mode & 07777, 0644u);
  EXPECT_EQ(stat_of(root.etc("shadow")).st_mode & 07777, 0600u);
  const struct stat gs = stat_of(root.etc("gshadow"));
  EXPECT_EQ(gs.st_mode & 07777, 0640u);
  EXPECT_EQ(gs.st_gid, 42u);  // the root's "shadow" group
  EXPECT_EQ(test::read_text(root.etc("passwd-")), old_passwd);
  EXPECT_EQ(stat_of(root.etc("passwd-")).st_mode & 07777, 0644u);
}

TEST(Writer, WithoutAShadowGroupNewShadowFilesAre0600) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  std::string group = test::kBaseGroup;
  group.erase(group.find("shadow:x:42:\n"), 13);
  test::write_text(root.etc("group"), group);
  ::unlink(root.etc("shadow").c_str());
  ASSERT_TRUE(apply(full_directory(), root).applied);
  EXPECT_EQ(stat_of(root.etc("shadow")).st_mode & 07777, 0600u);
  EXPECT_EQ(stat_of(root.etc("shadow")).st_gid, 0u);
}

TEST(Writer, PerUserFilesHaveTheirOwnersAndModes) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  ASSERT_TRUE(apply(full_directory(), root).applied);
  const std::string keys = root / "etc/ssh/authorized_keys.d/alice";
  EXPECT_EQ(test::read_text(keys), test::kEd25519 + "\n" + test::kEcdsa + "\n");
  const struct stat k = stat_of(keys);
  EXPECT_EQ(k.st_uid, 0u);
  EXPECT_EQ(k.st_gid, 20001u);
  EXPECT_EQ(k.st_mode & 07777, 0640u);
  EXPECT_EQ(stat_of(root / "etc/ssh/authorized_keys.d").st_uid, 0u);
  EXPECT_FALSE(std::filesystem::exists(root / "etc/ssh/authorized_keys.d/bob"));  // no keys, no file
  EXPECT_TRUE(std::filesystem::exists(root / "var/lib/systemd/linger/alice"));
  EXPECT_FALSE(std::filesystem::exists(root / "var/lib/systemd/linger/bob"));
  const struct stat scratch = stat_of(root / "scratch/bob");
  EXPECT_EQ(scratch.st_uid, 20002u);
  EXPECT_EQ(scratch.st_gid, 20000u);
  EXPECT_EQ(scratch.st_mode & 07777, 0700u);
  EXPECT_EQ(stat_of(root / "var/spool/jobs/20001").st_mode & 07777, 0750u);
  const struct stat home = stat_of(root / "home/alice");
  EXPECT_EQ(home.st_uid, 20001u);
  EXPECT_EQ(home.st_mode & 07777, 0700u);
  EXPECT_EQ(stat_of(root / "home/alice/.profile").st_uid, 20001u);  // from /etc/skel
}

TEST(Writer, RemovingAUserRemovesItsFilesButKeepsItsHome) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  auto d = full_directory();
  d.users[1].ssh_authorized_keys = {test::kEd25519};
  d.users[1].linger = true;
  ASSERT_TRUE(apply(d, root).applied);
  test::write_text(root / "scratch/bob/results.csv", "1,2\n");
  ::symlink("/etc", (root / "scratch/bob/etc-link").c_str());  // removal must not follow it
  d.users.pop_back();
  const auto r = apply(d, root);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(root / "etc/ssh/authorized_keys.d/bob"));
  EXPECT_FALSE(std::filesystem::exists(root / "var/lib/systemd/linger/bob"));
  EXPECT_FALSE(std::filesystem::exists(root / "scratch/bob"));
  EXPECT_FALSE(std::filesystem::exists(root / "var/spool/jobs/20002"));
  EXPECT_TRUE(std::filesystem::exists(root / "home/bob"));
  EXPECT_TRUE(std::filesystem::exists("/etc/passwd"));
  EXPECT_THAT(r.warnings, ElementsAre("kept home /home/bob of removed user \"bob\" (homes are never deleted)"));
}

TEST(Writer, AManagedDirectoryOwnedBySomeoneElseIsNeitherTakenOverNorRemoved) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  std::filesystem::create_directories(root / "scratch/bob");  // made by root, not herd
  auto d = full_directory();
  auto r = apply(d, root);
  ASSERT_TRUE(r.applied);
  EXPECT_THAT(r.errors, ElementsAre("user \"bob\": " + (root / "scratch/bob") +
                                    " exists and belongs to uid 0; not taking it over"));
  d.users.pop_back();
  r = apply(d, root);
  EXPECT_TRUE(std::filesystem::exists(root / "scratch/bob"));
  EXPECT_THAT(r.warnings, testing::Contains("kept " + (root / "scratch/bob") +
                                            " of removed user \"bob\": it belongs to uid 0, not 20002"));
}

TEST(Writer, RefusalWritesNothing) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  auto d = full_directory();
  d.users[1].name = "localadm";  // collides with an unmanaged user
  test::write_text(root.etc(".pwd.lock"), "", 0600);  // there on any node where shadow-utils ran
  const auto before = mtimes(root.path());
  const auto r = apply(d, root);
  EXPECT_FALSE(r.applied);
  EXPECT_THAT(r.errors, ElementsAre(HasSubstr("user \"localadm\": name collides with an unmanaged entry")));
  EXPECT_EQ(mtimes(root.path()), before);
}

TEST(Writer, AnInvalidWireDirectoryIsRefusedBeforeAnythingIsRead) {
  test::NodeRoot root;
  auto d = full_directory();
  d.users[0].shell = "bash";
  const auto r = apply(d, root);
  EXPECT_FALSE(r.applied);
  EXPECT_THAT(r.errors, ElementsAre("user \"alice\": shell \"bash\" is not an absolute path"));
  EXPECT_FALSE(std::filesystem::exists(root.etc(".pwd.lock")));
}

TEST(Writer, WaitsForTheLockAndGivesUp) {
  test::NodeRoot root;
  auto held = PasswdLock::acquire(root.path() + "/etc", std::chrono::milliseconds(0));
  ASSERT_TRUE(held.ok());
  // Another open file description (another process, or another apply) cannot take it.
  ApplyOptions o;
  o.root = root.path();
  o.lock_timeout = std::chrono::milliseconds(50);
  const auto r = apply_directory(full_directory(), o);
  EXPECT_FALSE(r.applied);
  EXPECT_THAT(r.errors, ElementsAre(HasSubstr("still held by another program")));
}

TEST(Writer, MovingTheKeyTemplateMovesTheKeyFiles) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  auto d = full_directory();
  ASSERT_TRUE(apply(d, root).applied);
  d.ssh_keys_dir = "/etc/ssh/keys/%U.pub";
  const auto r = apply(d, root);
  ASSERT_TRUE(r.applied);
  EXPECT_FALSE(std::filesystem::exists(root / "etc/ssh/authorized_keys.d/alice"));
  EXPECT_TRUE(std::filesystem::exists(root / "etc/ssh/keys/20001.pub"));
}

TEST(Writer, QuotaOnAFileSystemWithoutQuotasIsSkippedWithAReason) {
  REQUIRE_ROOT();
  test::NodeRoot root;
  auto d = full_directory();
  d.users[0].disk_quota = {{"/home", 1 << 20, 2 << 20, 0, 0}};
  const auto r = apply(d, root);
  ASSERT_TRUE(r.applied);
  EXPECT_THAT(r.errors, IsEmpty());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], testing::StartsWith("quota skipped on /home: "));
}

}  // namespace
}  // namespace herd::directory
