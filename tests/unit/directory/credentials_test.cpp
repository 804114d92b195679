// Password hashes and ssh keys: table-driven, from real tools' output and
// from broken variants of it.

#include <gtest/gtest.h>

#include "directory/credentials.hpp"
#include "directory/path_template.hpp"
#include "directory/text_rules.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

TEST(Credentials, AcceptedPasswords) {
  for (const std::string& p : {std::string("!"), std::string("!!"), std::string("*"), test::kSha512, "!" + test::kSha512,
                               // crypt(3) output for $5$, $1$, yescrypt and bcrypt
                               std::string("$5$saltsalt$hcyDOxdIg0p3xyqtpHh/v8Ph.am06tQaovp1KpEklb7"),
                               std::string("$1$saltsalt$4px9i58NU2Z2/vZOUlGjq."),
                               std::string("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$6foLM1JhGupouWKMU70wxK61Kw9ZnecbACjJwRadqM2"),
                               std::string("$2b$05$abcdefghijklmnopqrstuuhKF09ZYWwH2zP/0fwE1X8e/Q1YNx/hO"),
                               std::string("$6$rounds=5000$saltsalt$") + test::kSha512.substr(test::kSha512.size() - 86)}) {
    EXPECT_EQ(password_problem(p), "") << p;
  }
}

TEST(Credentials, RefusedPasswords) {
  for (const std::string& p : {std::string(""), std::string("hunter2"), std::string("abcdefghijklm") /* DES-shaped */,
                               std::string("$6$salt$short"), std::string("$9$salt$") + std::string(86, 'a'),
                               test::kSha512 + "x", std::string("!!hunter2"), std::string("$6$sa:lt$") + std::string(86, 'a')}) {
    EXPECT_NE(password_problem(p), "") << p;
  }
}

TEST(Credentials, AcceptedSshKeys) {
  for (const std::string& k : {test::kEd25519, test::kEcdsa, "from=\"10.0.0.0/8\",no-pty " + test::kEd25519,
                               "command=\"echo a b\" " + test::kEd25519, test::kEd25519.substr(0, 80) /* no comment */}) {
    EXPECT_EQ(ssh_key_problem(k), "") << k;
  }
}

TEST(Credentials, RefusedSshKeys) {
  struct Case {
    std::string key, problem;
  };
  const Case cases[] = {
      {"", "is empty"},
      {"ssh-ed25519", "has no key data after \"ssh-ed25519\""},
      {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOy31xFA0r9gGy72aeFlJzjCEx/zbFiH9f5Yy4vSeuM",
       "has key data that is not valid base64 (after \"ssh-ed25519\")"},
      {"ssh-ed25519 QUJD", "has key data too short to be a key"},
      {"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOy31xFA0r9gGy72aeFlJzjCEx/zbFiH9f5Yy4vSeuMZ",
       "has key data that is not a \"ssh-rsa\" key"},
      {"command=\"unterminated " + test::kEd25519, "has an unterminated quote in its options"},
  };
  for (const Case& c : cases) EXPECT_EQ(ssh_key_problem(c.key), c.problem) << c.key;
}

TEST(Templates, ExpandNamesUidsAndPercent) {
  EXPECT_EQ(expand_template("/scratch/%u/%U/100%%", "alice", 20001), "/scratch/alice/20001/100%");
  EXPECT_EQ(template_problem("/etc/ssh/authorized_keys.d/%u"), "");
  EXPECT_NE(template_problem("/etc/ssh/authorized_keys.d/%"), "");
  EXPECT_NE(template_problem("relative/%u"), "");
  EXPECT_NE(template_problem("/a//%u"), "");
  EXPECT_NE(template_problem("/a/./%u"), "");
}

TEST(TextRules, NamesAndPaths) {
  EXPECT_EQ(name_problem("_svc-1"), "");
  EXPECT_NE(name_problem("1abc"), "");
  EXPECT_NE(name_problem("a/b"), "");
  EXPECT_NE(name_problem(".."), "");
  EXPECT_EQ(absolute_path_problem("/"), "");
  EXPECT_EQ(absolute_path_problem("/home/a"), "");
  EXPECT_EQ(absolute_path_problem("/home/a/"), "has an empty component ('//' or a trailing '/')");
  EXPECT_EQ(control_problem(std::string("a\0b", 3)), "contains the control character 0x00 at offset 1");
  EXPECT_EQ(control_problem("a\x7f"), "contains the control character 0x7f at offset 1");
  EXPECT_EQ(etc_field_problem("Émile,Room 1"), "");
}

}  // namespace
}  // namespace herd::directory
