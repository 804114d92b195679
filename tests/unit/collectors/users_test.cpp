#include "collectors/users.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;

namespace herd::collectors {
namespace {

TEST(ParsePasswd, KeepsTheUsersInRange) {
  auto users = parse_passwd(
      "root:x:0:0:root:/root:/bin/bash\n"
      "alice:x:1001:1001:Alice:/home/alice:/bin/bash\n"
      "\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
      "bob:x:1002:1002::/home/bob:/bin/zsh\n",
      UidRange{1000, 59999});
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "alice");
  EXPECT_EQ((*users)[1].uid, 1002u);
}

TEST(ParsePasswd, RejectsMalformedLines) {
  EXPECT_THAT(parse_passwd("alice:x:1001\n", {}).error().message, HasSubstr("line 1"));
  EXPECT_THAT(parse_passwd("ok:x:1:1::/:/bin/sh\nalice:x:-5:1::/:/bin/sh\n", {}).error().message, HasSubstr("line 2"));
  EXPECT_THAT(parse_passwd(":x:1:1::/:/bin/sh\n", {}).error().message, HasSubstr("line 1"));
}

TEST(ExpandUserTemplate, SubstitutesNameAndUid) {
  EXPECT_EQ(*expand_user_template("/home/%u", {1001, "alice"}), "/home/alice");
  EXPECT_EQ(*expand_user_template("/scratch/%U/%u%%", {1001, "alice"}), "/scratch/1001/alice%");
}

TEST(ExpandUserTemplate, CannotLeaveItsTree) {
  EXPECT_THAT(expand_user_template("/home/%u", {1, "../etc"}).error().message, HasSubstr("cannot be part of a path"));
  EXPECT_THAT(expand_user_template("/home/%u", {1, ".."}).error().message, HasSubstr("cannot be part of a path"));
  EXPECT_THAT(expand_user_template("/home/../%u", {1, "a"}).error().message, HasSubstr(".."));
  EXPECT_THAT(expand_user_template("home/%u", {1, "a"}).error().message, HasSubstr("absolute"));
  EXPECT_THAT(expand_user_template("/home/%x", {1, "a"}).error().message, HasSubstr("unknown escape"));
}

}  // namespace
}  // namespace herd::collectors
