// Every validation rule of SPEC §5 with a failing example and its exact
// message, through the file loader (so with file and line), plus the same
// rules on a directory that arrived without a file (no line numbers).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/loader.hpp"
#include "directory/validate.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

// Line numbers below refer to this text: alice is at lines 7-11, then any
// extra lines of hers, then bob (line 12 when there are none).
std::string file_with(const std::string& alice_extra = "", const std::string& top_extra = "",
                      const std::string& group_extra = "") {
  return "managed_uid_range: [20000, 60000]\n"  // 1
         "managed_gid_range: [20000, 60000]\n"  // 2
         "groups:\n"                            // 3
         "  - {name: students, gid: 20000}\n"   // 4
         "  - {name: faculty, gid: 20001" + group_extra + "}\n"  // 5
         + top_extra +                                         //
         "users:\n"                                            // 6 (+ top_extra lines)
         "  - name: alice\n"                                   // 7
         "    uid: 20001\n"                                    // 8
         "    primary_group: faculty\n"                        // 9
         "    password: \"" + test::kSha512 + "\"\n"           // 10
         "    ssh_authorized_keys: [\"" + test::kEd25519 + "\"]\n"  // 11
         + alice_extra +                                       // 12...
         "  - name: bob\n"
         "    uid: 20002\n"
         "    primary_group: students\n";
}

// `text` with the first `from` replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

std::vector<std::string> problems(const std::string& text) {
  return directory_file_problems(load_directory_text(text, "directory.yaml"));
}

TEST(Validate, TheExampleFileIsValid) {
  const auto loaded = load_directory_file(HERD_SOURCE_DIR "/examples/directory.yaml");
  EXPECT_THAT(directory_file_problems(loaded), IsEmpty());
  EXPECT_EQ(loaded.directory.users.size(), 2u);
  EXPECT_EQ(loaded.directory.users[0].disk_quota[0].bytes_hard, 50ull << 30);
  EXPECT_EQ(loaded.directory.managed_user_directories[1].mode, 0750u);
}

TEST(Validate, ABaseFileIsValidAndDefaultsAreFilledIn) {
  const auto loaded = load_directory_text(file_with(), "directory.yaml");
  EXPECT_THAT(directory_file_problems(loaded), IsEmpty());
  const auto& bob = loaded.directory.users[1];
  EXPECT_EQ(bob.home, "/home/bob");
  EXPECT_EQ(bob.shell, "/bin/bash");
  EXPECT_EQ(bob.password, "*");
  EXPECT_EQ(bob.update_password, protocol::UpdatePassword::always);
  EXPECT_EQ(loaded.directory.ssh_keys_dir, "/etc/ssh/authorized_keys.d/%u");
}

TEST(Validate, UidOutsideTheManagedRange) {
  std::string text = edited(file_with(), "uid: 20001", "uid: 70001");
  EXPECT_THAT(problems(text),
              ElementsAre("directory.yaml:8: user \"alice\": uid 70001 outside managed_uid_range [20000, 60000]"));
}

TEST(Validate, UidZeroIsRefused) {
  std::string text = edited(file_with(), "uid: 20002", "uid: 0");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:13: user \"bob\": uid 0 is root's and cannot be managed"));
}

TEST(Validate, GidOutsideRangeAndDuplicateGid) {
  std::string text = edited(file_with(), "gid: 20001", "gid: 20000");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:5: group \"faculty\": gid 20000 is used twice (also at line 4)"));
  text = edited(file_with(), "gid: 20001", "gid: 100");
  EXPECT_THAT(problems(text),
              ElementsAre("directory.yaml:5: group \"faculty\": gid 100 outside managed_gid_range [20000, 60000]"));
}

TEST(Validate, DuplicateUserNamesAndUids) {
  std::string text = edited(file_with(), "name: bob", "name: alice");
  text = edited(text, "uid: 20002", "uid: 20001");
  EXPECT_THAT(problems(text),
              ElementsAre("directory.yaml:12: user \"alice\": name is defined twice (also at line 7)",
                          "directory.yaml:13: user \"alice\": uid 20001 is used twice (also at line 8)"));
}

TEST(Validate, DuplicateGroupNames) {
  std::string text = edited(file_with(), "name: faculty", "name: students");
  EXPECT_THAT(problems(text),
              ElementsAre("directory.yaml:5: group \"students\": name is defined twice (also at line 4)",
                          "directory.yaml:9: user \"alice\": primary_group \"faculty\" is not a group of this directory"));
}

TEST(Validate, NamesMustBeLowercasePortableAndShort) {
  std::string text = edited(file_with(), "name: bob", "name: Bob");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:12: user \"Bob\": name \"Bob\" must start with a lowercase "
                                          "letter or '_' ([a-z_][a-z0-9_-]*)"));
  text = edited(file_with(), "name: bob", "name: bob.smith");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:12: user \"bob.smith\": name \"bob.smith\" may contain only "
                                          "lowercase letters, digits, '_' and '-' ([a-z_][a-z0-9_-]*)"));
  text = edited(file_with(), "name: bob", "name: " + std::string(33, 'b'));
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:12: user \"" + std::string(33, 'b') + "\": name \"" +
                                          std::string(33, 'b') + "\" is 33 characters long (at most 32)"));
}

TEST(Validate, UnknownGroupsAndMembers) {
  EXPECT_THAT(problems(file_with("    groups: [students, wheel, students]\n")),
              ElementsAre("directory.yaml:12: user \"alice\": groups: \"wheel\" is not a group of this directory",
                          "directory.yaml:12: user \"alice\": groups lists \"students\" twice"));
  EXPECT_THAT(problems(file_with("", "", ", members: [carol]")),
              ElementsAre("directory.yaml:5: group \"faculty\": members: \"carol\" is not a user of this directory"));
}

TEST(Validate, ColonNewlineAndControlCharactersInAnyField) {
  EXPECT_THAT(problems(file_with("    gecos: \"Alice: the first\"\n")),
              ElementsAre("directory.yaml:12: user \"alice\": gecos contains ':' at offset 5 (the field separator of "
                          "/etc files)"));
  EXPECT_THAT(problems(file_with("    gecos: \"Alice\\nroot::0:0::/:/bin/sh\"\n")),
              ElementsAre("directory.yaml:12: user \"alice\": gecos contains a newline at offset 5"));
  EXPECT_THAT(problems(file_with("    shell: \"/bin/ba\\x07sh\"\n")),
              ElementsAre("directory.yaml:12: user \"alice\": shell \"/bin/ba\\x07sh\" contains the control character "
                          "0x07 at offset 7"));
  EXPECT_THAT(problems(file_with("    home: \"/home/al:ice\"\n")),
              ElementsAre("directory.yaml:12: user \"alice\": home \"/home/al:ice\" contains ':' (the field separator "
                          "of /etc files)"));
}

TEST(Validate, ShellAndHomeMustBeAbsoluteAndWithoutDotDot) {
  EXPECT_THAT(problems(file_with("    shell: bin/bash\n")),
              ElementsAre("directory.yaml:12: user \"alice\": shell \"bin/bash\" is not an absolute path"));
  EXPECT_THAT(problems(file_with("    home: /home/../etc\n")),
              ElementsAre("directory.yaml:12: user \"alice\": home \"/home/../etc\" has a \"..\" component"));
}

TEST(Validate, PlaintextPasswordsAreRefusedWithoutQuotingThem) {
  std::string text = edited(file_with(), test::kSha512, "hunter2");
  const auto p = problems(text);
  EXPECT_THAT(p, ElementsAre("directory.yaml:10: user \"alice\": password is neither a crypt(3) hash ($6$..., $y$..., "
                             "$2b$...) nor a lock (\"!\", \"*\"); plaintext passwords are refused"));
  EXPECT_EQ(p[0].find("hunter2"), std::string::npos);
}

TEST(Validate, MalformedSshKeys) {
  std::string text = edited(file_with(), test::kEd25519, "ssh-foo AAAA x");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:11: user \"alice\": ssh_authorized_keys[0] has an unknown "
                                          "key type \"ssh-foo\" (known: ssh-ed25519, ssh-rsa, "
                                          "ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com, "
                                          "sk-ecdsa-sha2-nistp256@openssh.com, ssh-dss, and their "
                                          "-cert-v01@openssh.com forms)"));
  text = edited(file_with(), test::kEd25519, "ssh-ed25519 AAAA@@@@");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:11: user \"alice\": ssh_authorized_keys[0] has key data that "
                                          "is not valid base64 (after \"ssh-ed25519\")"));
  text = edited(file_with(), "ssh-ed25519 ", "ssh-rsa ");
  EXPECT_THAT(problems(text), ElementsAre("directory.yaml:11: user \"alice\": ssh_authorized_keys[0] has key data that "
                                          "is not a \"ssh-rsa\" key"));
}

TEST(Validate, QuotaSizesAndLimits) {
  EXPECT_THAT(problems(file_with("    disk_quota:\n"
                                 "      - {path: /home, bytes_soft: 20Gi, bytes_hard: 10Gi}\n"
                                 "      - {path: home, bytes_hard: 10G}\n")),
              ElementsAre("directory.yaml:13: user \"alice\": disk_quota[0]: bytes_soft 21474836480 is greater than "
                          "bytes_hard 10737418240",
                          "directory.yaml:14: user \"alice\": disk_quota[1].bytes_hard: \"10G\" has an unknown size "
                          "suffix \"G\" (use Ki, Mi, Gi or Ti: binary units)",
                          "directory.yaml:14: user \"alice\": disk_quota[1].path \"home\" is not an absolute path"));
}

TEST(Validate, TemplatesCannotEscapeTheirBaseDirectory) {
  EXPECT_THAT(problems(file_with("", "ssh_keys_dir: /etc/ssh/../../%u\n")),
              ElementsAre("directory.yaml:6: ssh_keys_dir \"/etc/ssh/../../%u\" has a \"..\" component; %u and %U expand "
                          "only to validated names and uids, so the template alone decides where paths go"));
  EXPECT_THAT(problems(file_with("", "managed_user_directories: [/scratch, \"/%u\", /x/%h]\n")),
              ElementsAre("directory.yaml:6: managed_user_directories[0] \"/scratch\" contains neither %u nor %U, so "
                          "every user would share one path",
                          "directory.yaml:6: managed_user_directories[1] \"/%u\" puts a placeholder in its first "
                          "component; name a base directory first (e.g. /scratch/%u)",
                          "directory.yaml:6: managed_user_directories[2] \"/x/%h\" has an unknown placeholder \"%h\" at "
                          "offset 3 (only %u, %U and %% exist)"));
}

TEST(Validate, RangesMustBeSane) {
  std::string text = file_with();
  text.replace(0, 33, "managed_uid_range: [1000, 70000]");
  auto p = problems(text);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0], "directory.yaml:1: managed_uid_range [1000, 70000]: must not include 65534 or 65535 (nobody/nogroup "
                  "and the 16-bit -1)");
  text = file_with();
  text.replace(0, 33, "managed_uid_range: [60000, 20000]");
  p = problems(text);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0], "directory.yaml:1: managed_uid_range [60000, 20000]: lo is greater than hi");
}

TEST(Validate, EveryErrorIsReportedNotJustTheFirst) {
  std::string text = file_with("    shell: sh\n    gecos: \"a:b\"\n");
  text = edited(text, "uid: 20002", "uid: 99");
  EXPECT_EQ(problems(text).size(), 3u);
}

// What an applier that keeps state between applies relies on: skipping the
// own checks of records known to pass them changes no diagnostic, in number,
// order or wording, whatever else is wrong with the directory.
TEST(Validate, RecordsKnownToPassTheirOwnChecksGiveTheSameDiagnostics) {
  auto d = test::small_directory();
  d.groups.push_back({"ml", 20010, {"alice", "ghost", "alice"}});
  d.groups.push_back({"ml", 20001, {}});                  // a name and a gid used twice
  auto carol = test::user("carol", 20002, "nosuch");     // bob's uid, an unknown group
  carol.groups = {"students", "gone", "students"};
  carol.shell = "bash";
  d.users.push_back(carol);
  auto dave = test::user("alice", 20004, "faculty");     // alice's name, otherwise fine
  dave.ssh_authorized_keys = {test::kEd25519};
  d.users.push_back(dave);
  d.users[0].groups.push_back("gone");                    // a known record with a broken reference
  const auto full = validate_directory(d);
  ASSERT_GE(full.size(), 8u);

  KnownValid known;
  for (const auto& u : d.users) known.users.push_back(user_valid_alone(u, d.managed_uid_range));
  for (const auto& g : d.groups) known.groups.push_back(group_valid_alone(g, d.managed_gid_range));
  EXPECT_THAT(known.users, ElementsAre(true, true, false, true));
  EXPECT_THAT(known.groups, ElementsAre(true, true, false, true));
  EXPECT_EQ(format_diagnostics(validate_directory(d, &known), nullptr), format_diagnostics(full, nullptr));
}

TEST(Validate, AWireDirectoryIsCheckedWithTheSameRulesWithoutLines) {
  auto d = test::small_directory();
  d.users[1].uid = 70001;
  d.users[0].groups.push_back("wheel");
  EXPECT_THAT(format_diagnostics(validate_directory(d), nullptr),
              ElementsAre("user \"alice\": groups: \"wheel\" is not a group of this directory",
                          "user \"bob\": uid 70001 outside managed_uid_range [20000, 60000]"));
  EXPECT_THAT(validate_directory(test::small_directory()), IsEmpty());
}

TEST(Validate, UnnamedEntriesAreNamedByTheirPlace) {
  auto d = test::small_directory();
  d.users[1].name.clear();
  EXPECT_THAT(format_diagnostics(validate_directory(d), nullptr), ElementsAre("users[1]: name \"\" is empty"));
}

}  // namespace
}  // namespace herd::directory
