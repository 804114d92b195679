#include "reports/user_selection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herd::reports {
namespace {

const Caller kAlice{1001, false};
const Caller kAdmin{1002, true};
const Caller kRoot{0, true};

TEST(SelectUsers, AUserGetsTheirOwnDataByDefault) {
  auto s = select_users(kAlice, std::nullopt, std::nullopt);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->all);
  EXPECT_TRUE(s->includes(1001));
  EXPECT_FALSE(s->includes(1002));
}

TEST(SelectUsers, AUserMayNameThemselves) { EXPECT_TRUE(select_users(kAlice, 1001u, false).ok()); }

TEST(SelectUsers, AUserMayNotAskForSomeoneElse) {
  auto s = select_users(kAlice, 1002u, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "uid 1001 may not see the data of uid 1002: only root and members of the admin group may");
}

TEST(SelectUsers, AUserMayNotAskForEveryone) {
  auto s = select_users(kAlice, std::nullopt, true);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, testing::HasSubstr("every user's data"));
}

TEST(SelectUsers, AdminsAndRootMayAskForAnyoneOrEveryone) {
  for (const Caller& c : {kAdmin, kRoot}) {
    auto other = select_users(c, 1001u, std::nullopt);
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE(other->includes(1001));
    EXPECT_FALSE(other->includes(c.uid));
    auto all = select_users(c, std::nullopt, true);
    ASSERT_TRUE(all.ok());
    EXPECT_TRUE(all->includes(12345));
  }
}

}  // namespace
}  // namespace herd::reports
