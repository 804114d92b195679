// Hostile and odd directory files: each gives a clear error with file and
// line, never a crash, an exception or a runaway allocation.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/loader.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

std::vector<std::string> problems(const std::string& text) {
  return directory_file_problems(load_directory_text(text, "d.yaml"));
}

const std::string kMinimal =
    "managed_uid_range: [20000, 60000]\n"
    "managed_gid_range: [20000, 60000]\n"
    "groups: [{name: g, gid: 20000}]\n"
    "users: [{name: u, uid: 20000, primary_group: g}]\n";

TEST(Loader, JsonIsReadToo) {
  const std::string json = R"({"managed_uid_range": [20000, 60000], "managed_gid_range": [20000, 60000],
    "groups": [{"name": "g", "gid": 20000}],
    "users": [{"name": "u", "uid": 20000, "primary_group": "g", "linger": true, "gecos": "\u00c9mile"}]})";
  const auto loaded = load_directory_text(json, "d.json");
  EXPECT_THAT(directory_file_problems(loaded), IsEmpty());
  EXPECT_TRUE(loaded.directory.users[0].linger);
  EXPECT_EQ(loaded.directory.users[0].gecos, "\xc3\x89mile");
}

TEST(Loader, EmptyFile) {
  EXPECT_THAT(problems(""), ElementsAre("d.yaml: the file is empty (expected a map with managed_uid_range, "
                                        "managed_gid_range, users, groups)"));
}

TEST(Loader, EveryTruncationIsRefused) {
  // A file cut anywhere (a partial copy, a full disk) must never read as a
  // smaller directory: that would remove users.
  for (std::size_t n = 0; n + 1 < kMinimal.size(); ++n) {
    EXPECT_FALSE(problems(kMinimal.substr(0, n)).empty()) << "cut at " << n << ": " << kMinimal.substr(0, n);
  }
  EXPECT_THAT(problems(kMinimal), IsEmpty());
}

TEST(Loader, UsersAndGroupsMustBeGivenEvenIfEmpty) {
  EXPECT_THAT(problems("managed_uid_range: [20000, 60000]\nmanaged_gid_range: [20000, 60000]\ngroups: []\nusers:\n"),
              ElementsAre("d.yaml:4: users: expected a list, got nothing (null)"));
  EXPECT_THAT(problems("managed_uid_range: [20000, 60000]\nmanaged_gid_range: [20000, 60000]\ngroups: []\nusers: []\n"),
              IsEmpty());
}

TEST(Loader, SyntaxErrorsCarryTheirLine) {
  EXPECT_THAT(problems("managed_uid_range: [20000, 60000]\nusers: [\n  {name: u\n"),
              ElementsAre(HasSubstr("d.yaml:4: syntax error:")));
}

TEST(Loader, WrongTypes) {
  EXPECT_THAT(problems("managed_uid_range: 20000\n"
                       "managed_gid_range: [20000, 60000]\n"
                       "groups: {name: g}\n"
                       "users:\n"
                       "  - name: [u]\n"
                       "    uid: twenty\n"
                       "    primary_group: g\n"
                       "    linger: yes\n"
                       "    update_password: sometimes\n"),
              ElementsAre("d.yaml:1: managed_uid_range: expected a list of two numbers [lo, hi], got \"20000\"",
                          "d.yaml:3: groups: expected a list, got a map",
                          "d.yaml:5: users[0]: name: expected a string, got a list",
                          "d.yaml:6: users[0]: uid: expected a whole number, got \"twenty\"",
                          "d.yaml:7: users[0]: primary_group \"g\" is not a group of this directory",
                          "d.yaml:8: users[0]: linger: expected true or false, got \"yes\"",
                          "d.yaml:9: users[0]: update_password: expected \"always\" | \"on_create\", got \"sometimes\""));
}

TEST(Loader, UnknownAndRepeatedFieldsAndMissingRequiredOnes) {
  EXPECT_THAT(problems("managed_uid_range: [20000, 60000]\n"
                       "managed_gid_range: [20000, 60000]\n"
                       "groups: [{name: g, gid: 20000}]\n"
                       "users:\n"
                       "  - name: u\n"
                       "    uidd: 20000\n"
                       "    primary_group: g\n"
                       "    primary_group: g\n"
                       "colour: blue\n"),
              ElementsAre("d.yaml:5: user \"u\": uid is missing (required)",
                          "d.yaml:6: user \"u\": unknown field \"uidd\"",
                          "d.yaml:8: user \"u\": field \"primary_group\" appears twice",
                          "d.yaml:9: unknown field \"colour\""));
}

TEST(Loader, HugeValues) {
  std::string text = kMinimal;
  text.replace(text.find("uid: 20000"), 10, "uid: 99999999999999999999999");
  EXPECT_THAT(problems(text), ElementsAre("d.yaml:4: user \"u\": uid: expected a whole number, got "
                                          "\"99999999999999999999999\""));
  text = kMinimal;
  text.replace(text.find("uid: 20000"), 10, "uid: 4294967296");
  EXPECT_THAT(problems(text), ElementsAre("d.yaml:4: user \"u\": uid: 4294967296 is too large (at most 4294967295)"));
  text = kMinimal + "    \n";
  text.replace(text.find("primary_group: g}"), 17, "primary_group: g, disk_quota: [{path: /h, bytes_hard: 99999999Ti}]}");
  EXPECT_THAT(problems(text), ElementsAre("d.yaml:4: user \"u\": disk_quota[0].bytes_hard: \"99999999Ti\" is too large"));
}

TEST(Loader, ALongValueIsCutInMessages) {
  std::string text = kMinimal;
  text.replace(text.find("name: u,"), 8, "name: " + std::string(100000, 'x') + ",");
  const auto p = problems(text);
  ASSERT_FALSE(p.empty());
  for (const std::string& message : p) EXPECT_LT(message.size(), 300u) << message.substr(0, 300);
}

TEST(Loader, AnchorsAndAliasesAreResolved) {
  const std::string text = "managed_uid_range: [20000, 60000]\nmanaged_gid_range: [20000, 60000]\n"
                           "groups: [{name: g, gid: 20000}]\n"
                           "users:\n"
                           "  - {name: a, uid: 20000, primary_group: g, ssh_authorized_keys: &keys [\"" + test::kEd25519 + "\"]}\n"
                           "  - {name: b, uid: 20001, primary_group: g, ssh_authorized_keys: *keys}\n";
  const auto loaded = load_directory_text(text, "d.yaml");
  EXPECT_THAT(directory_file_problems(loaded), IsEmpty());
  EXPECT_EQ(loaded.directory.users[1].ssh_authorized_keys, std::vector<std::string>{test::kEd25519});
}

TEST(Loader, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep = "users: ";
  for (int i = 0; i < 5000; ++i) deep += "[";
  EXPECT_THAT(problems(deep), ElementsAre(HasSubstr("syntax error")));
}

TEST(Loader, ManagedDirectoriesTakeShortAndLongForms) {
  std::string text = kMinimal + "managed_user_directories: [/scratch/%u, {path: /data/%U, mode: 0750}, "
                                "{path: /x/%u, mode: \"999\"}]\n";
  EXPECT_THAT(problems(text),
              ElementsAre("d.yaml:5: managed_user_directories[2].mode: expected an octal permission mode such as 0750, "
                          "got \"999\""));
}

TEST(Loader, AMissingFileIsOneClearError) {
  EXPECT_THAT(directory_file_problems(load_directory_file("/nonexistent/d.yaml")),
              ElementsAre("/nonexistent/d.yaml: failed to open /nonexistent/d.yaml: No such file or directory"));
}

}  // namespace
}  // namespace herd::directory
