// The simulated agent's in-memory apply: revision after revision, with its
// kept layout (the delta path), it ends with the /etc a fresh simulated
// agent gets from that revision alone, and reports what changed.

#include "swarm/simulated_directory.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace herd::swarm {
namespace {

constexpr int64_t kToday = 20'000;

protocol::Directory base_directory() {
  protocol::Directory d;
  d.managed_uid_range = {20000, 60000};
  d.managed_gid_range = {20000, 60000};
  for (uint32_t g = 0; g < 4; ++g) d.groups.push_back({fmt::format("team{}", g), 20000 + g, {}});
  for (uint32_t i = 0; i < 30; ++i) {
    protocol::DirectoryUser u;
    u.name = fmt::format("u{:03}", i);
    u.uid = 20100 + i;
    u.primary_group = fmt::format("team{}", i % 4);
    u.home = "/home/" + u.name;
    u.gecos = fmt::format("User {}", i);
    d.users.push_back(u);
  }
  return d;
}

std::array<std::string, 4> fresh_files(const protocol::Directory& d) {
  SimulatedDirectory fresh;
  const auto r = fresh.apply(d, kToday);
  EXPECT_TRUE(r.applied) << (r.errors.empty() ? "" : r.errors.front());
  return fresh.files().text;
}

TEST(SimulatedDirectory, RevisionAfterRevisionEndsWhereAFreshApplyDoes) {
  SimulatedDirectory kept;
  auto d = base_directory();
  auto r = kept.apply(d, kToday);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_added, 30u);
  EXPECT_EQ(r.groups_added, 4u);

  // One user added: the delta path.
  auto added = d.users.back();
  added.name = "new1";
  added.uid = 20500;
  added.home = "/home/new1";
  d.users.push_back(added);
  r = kept.apply(d, kToday);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(std::tie(r.users_added, r.users_changed, r.users_removed), std::make_tuple(1u, 0u, 0u));
  EXPECT_EQ(kept.files().text, fresh_files(d));

  // One changed, one removed, a group's members changed.
  d.users[3].gecos = "Changed";
  d.users.erase(d.users.begin() + 7);
  d.groups[1].members = {"u002"};
  r = kept.apply(d, kToday);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(std::tie(r.users_added, r.users_changed, r.users_removed), std::make_tuple(0u, 1u, 1u));
  EXPECT_EQ(r.groups_changed, 1u);
  EXPECT_EQ(kept.files().text, fresh_files(d));

  // An invalid revision is refused with the validation's message and
  // changes nothing; the next valid one applies onto the old files.
  const auto before = kept.files().text;
  auto bad = d;
  bad.users[0].primary_group = "nosuchgroup";
  r = kept.apply(bad, kToday);
  EXPECT_FALSE(r.applied);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_NE(r.errors.front().find("nosuchgroup"), std::string::npos) << r.errors.front();
  EXPECT_EQ(kept.files().text, before);

  d.users[0].gecos = "After the refusal";
  r = kept.apply(d, kToday);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.users_changed, 1u);
  EXPECT_EQ(kept.files().text, fresh_files(d));
}

TEST(SimulatedDirectory, AnUnchangedRevisionWritesNothing) {
  SimulatedDirectory kept;
  const auto d = base_directory();
  ASSERT_TRUE(kept.apply(d, kToday).applied);
  const auto r = kept.apply(d, kToday);
  EXPECT_TRUE(r.applied);
  EXPECT_EQ(r.files_written, 0u);
  EXPECT_TRUE(r.etc_files_written.empty());
}

}  // namespace
}  // namespace herd::swarm
