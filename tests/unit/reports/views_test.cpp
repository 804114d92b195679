#include "reports/views.hpp"

#include <gtest/gtest.h>

namespace herd::reports {
namespace {

protocol::UserQuota row(const std::string& fs, uint32_t uid, uint64_t used) {
  protocol::UserQuota q;
  q.filesystem = fs;
  q.uid = uid;
  q.bytes_used = used;
  return q;
}

// A node with a shared CephFS home and its own scratch.
protocol::NodeReport node_report(int64_t collected_ms, const std::string& node_fsid, uint64_t home_used) {
  protocol::NodeReport r;
  r.collected_ms = collected_ms;
  r.quota_filesystems.push_back({"home", "cephfs", "/home/%u", "mon:/home", "cephfs:mon:/home:1", true});
  r.quota_filesystems.push_back({"scratch", "xfs", "/scratch", "/dev/sdb", "xfs:/dev/sdb:" + node_fsid, false});
  r.quotas = {row("home", 1001, home_used), row("scratch", 1001, 5), row("home", 1002, 7), row("scratch", 1002, 8)};
  protocol::UserSlice slice;
  slice.uid = 1001;
  r.slices.push_back(slice);
  protocol::UserUnit unit;
  unit.uid = 1001;
  unit.unit.name = "docker.service";
  r.user_units.push_back(unit);
  unit.uid = 1002;
  r.user_units.push_back(unit);
  return r;
}

TEST(QuotaView, SharedFilesystemCountedOnceFromTheNewestReport) {
  const auto a = node_report(1000, "a", 100);
  const auto b = node_report(2000, "b", 200);  // newer
  const NodeReportRef refs[] = {{"n1", &a}, {"n2", &b}};
  const auto reply = quota_view(refs, {false, 1001});
  ASSERT_EQ(reply.rows.size(), 3u);
  // Sorted by uid, path, node: /home (shared), /scratch n1, /scratch n2.
  EXPECT_EQ(reply.rows[0].filesystem.path, "/home/%u");
  EXPECT_FALSE(reply.rows[0].node.has_value());
  EXPECT_EQ(reply.rows[0].quota.bytes_used, 200u);
  EXPECT_EQ(reply.rows[1].node, "n1");
  EXPECT_EQ(reply.rows[2].node, "n2");
  ASSERT_EQ(reply.slices.size(), 2u);
}

TEST(QuotaView, OnlyTheSelectedUsers) {
  const auto a = node_report(1000, "a", 100);
  const NodeReportRef refs[] = {{"n1", &a}};
  for (const auto& r : quota_view(refs, {false, 1002}).rows) EXPECT_EQ(r.quota.uid, 1002u);
  EXPECT_TRUE(quota_view(refs, {false, 1002}).slices.empty());
  EXPECT_EQ(quota_view(refs, {true, 0}).rows.size(), 4u);
  EXPECT_TRUE(quota_view(refs, {false, 4242}).rows.empty());
}

TEST(QuotaView, SameNamedButDifferentSharedFilesystemsAreKeptApart) {
  auto a = node_report(1000, "a", 100);
  auto b = node_report(2000, "b", 200);
  b.quota_filesystems[0].identity = "cephfs:other-cluster:/home:9";
  const NodeReportRef refs[] = {{"n1", &a}, {"n2", &b}};
  EXPECT_EQ(quota_view(refs, {false, 1001}).rows.size(), 4u);
}

TEST(QuotaView, RowsWithoutTheirFilesystemAreLeftOut) {
  auto a = node_report(1000, "a", 100);
  a.quotas.push_back(row("vanished", 1001, 1));
  const NodeReportRef refs[] = {{"n1", &a}};
  EXPECT_EQ(quota_view(refs, {false, 1001}).rows.size(), 2u);
}

TEST(DaemonView, SelectsUsersAndNode) {
  const auto a = node_report(1000, "a", 1);
  const auto b = node_report(1000, "b", 1);
  const NodeReportRef refs[] = {{"n2", &b}, {"n1", &a}};
  const auto mine = daemon_view(refs, {false, 1001}, std::nullopt);
  ASSERT_EQ(mine.units.size(), 2u);
  EXPECT_EQ(mine.units[0].node, "n1");  // sorted
  EXPECT_EQ(daemon_view(refs, {false, 1001}, std::string("n2")).units.size(), 1u);
  EXPECT_EQ(daemon_view(refs, {true, 0}, std::nullopt).units.size(), 4u);
}

TEST(FilterReport, KeepsHealthAndOnlyTheSelectedUsersRows) {
  auto a = node_report(1000, "a", 1);
  a.health.cpus = 8;
  const auto filtered = filter_report(a, {false, 1002});
  EXPECT_EQ(filtered.health.cpus, 8u);
  EXPECT_EQ(filtered.quotas.size(), 2u);
  for (const auto& q : filtered.quotas) EXPECT_EQ(q.uid, 1002u);
  EXPECT_TRUE(filtered.slices.empty());
  ASSERT_EQ(filtered.user_units.size(), 1u);
  EXPECT_EQ(filtered.user_units[0].uid, 1002u);
}

}  // namespace
}  // namespace herd::reports
