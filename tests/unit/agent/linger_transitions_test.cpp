#include "agent/linger_transitions.hpp"

#include <gtest/gtest.h>

namespace herd::agent {
namespace {

protocol::DirectoryUser user(std::string name, uint32_t uid, bool linger) {
  protocol::DirectoryUser u;
  u.name = std::move(name);
  u.uid = uid;
  u.linger = linger;
  return u;
}

protocol::Directory directory(std::vector<protocol::DirectoryUser> users) {
  protocol::Directory d;
  d.users = std::move(users);
  return d;
}

TEST(LingerTransitions, AfterAStartEveryLingeringUserIsToldOnce) {
  // Agent (re)started or node rebooted: logind read an empty linger directory.
  auto t = linger_transitions({}, directory({user("alice", 20001, true), user("bob", 20002, false)}));
  EXPECT_EQ(t.enable, (std::vector<LingerUser>{{20001, "alice"}}));
  EXPECT_TRUE(t.disable.empty());
  EXPECT_EQ(t.lingering, (std::set<uint32_t>{20001}));
}

TEST(LingerTransitions, AnUnchangedDirectoryTellsNothing) {
  auto t = linger_transitions({20001}, directory({user("alice", 20001, true), user("bob", 20002, false)}));
  EXPECT_TRUE(t.enable.empty());
  EXPECT_TRUE(t.disable.empty());
  EXPECT_EQ(t.lingering, (std::set<uint32_t>{20001}));
}

TEST(LingerTransitions, TurningLingerOffIsToldAndTurningItOnIsToo) {
  auto t = linger_transitions({20001}, directory({user("alice", 20001, false), user("bob", 20002, true)}));
  EXPECT_EQ(t.enable, (std::vector<LingerUser>{{20002, "bob"}}));
  EXPECT_EQ(t.disable, (std::vector<LingerUser>{{20001, "alice"}}));
  EXPECT_EQ(t.lingering, (std::set<uint32_t>{20002}));
}

TEST(LingerTransitions, ARemovedUserIsForgottenWithoutTellingLogind) {
  // logind resolves the uid through passwd, where a removed user is gone.
  auto t = linger_transitions({20001, 20002}, directory({user("bob", 20002, true)}));
  EXPECT_TRUE(t.enable.empty());
  EXPECT_TRUE(t.disable.empty());
  EXPECT_EQ(t.lingering, (std::set<uint32_t>{20002}));
}

}  // namespace
}  // namespace herd::agent
