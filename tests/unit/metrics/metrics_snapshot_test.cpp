#include "controller/metrics_snapshot.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

protocol::NodeReport report_with_quota(bool shared, uint64_t used, int64_t collected_ms) {
  protocol::NodeReport r;
  r.collected_ms = collected_ms;
  r.verdict.verdict = protocol::Verdict::fail;
  r.verdict.findings = {{"mount:/scratch", protocol::Verdict::fail, "/scratch is hung"},
                        {"load", protocol::Verdict::warn, "load 40 > 32"}};
  protocol::QuotaFilesystem fs;
  fs.id = "home";
  fs.kind = shared ? "cephfs" : "xfs";
  fs.path = "/home";
  fs.identity = shared ? "cephfs:mon:/:1" : "xfs:/dev/sda:" + std::to_string(used);
  fs.shared = shared;
  r.quota_filesystems = {fs};
  protocol::UserQuota q;
  q.filesystem = "home";
  q.uid = 1000;
  q.bytes_used = used;
  q.bytes_hard = 1 << 20;
  r.quotas = {q};
  protocol::UserSlice slice;
  slice.uid = 1000;
  slice.memory_bytes = 4096;
  slice.cpu_usage_us = 2'000'000;
  r.slices = {slice};
  return r;
}

TEST(MetricsSnapshot, NodesVerdictsDirectoryAndSharedQuotaCountedOnce) {
  ManualClock clock;
  NodeTable table(3s);
  (void)table.heard_from("a", clock.monotonic(), clock.wall());
  (void)table.heard_from("b", clock.monotonic(), clock.wall());
  (void)table.heard_from("c", clock.monotonic(), clock.wall());
  table.record_report("a", report_with_quota(true, 100, 1'700'000'000'000));
  table.record_report("b", report_with_quota(true, 200, 1'700'000'001'000));
  clock.advance(10s);
  (void)table.sweep(clock.monotonic(), clock.wall());  // all three go down
  DirectoryState directory;
  protocol::DirectoryAck ok;
  ok.revision = 3;
  ok.result.applied = true;
  directory.record_ack("a", ok, clock.wall());
  protocol::DirectoryAck refused;
  refused.revision = 4;
  directory.record_ack("a", refused, clock.wall());

  const MetricsSnapshot s = make_metrics_snapshot(table, directory);
  ASSERT_EQ(s.nodes.size(), 3u);
  EXPECT_EQ(s.nodes[0].name, "a");
  EXPECT_FALSE(s.nodes[0].up);
  ASSERT_TRUE(s.nodes[0].last_seen_seconds);
  EXPECT_DOUBLE_EQ(*s.nodes[0].last_seen_seconds, 1'700'000'000.0);
  EXPECT_EQ(s.nodes[0].verdict, "fail");
  EXPECT_DOUBLE_EQ(*s.nodes[0].report_seconds, 1'700'000'000.0);
  ASSERT_EQ(s.nodes[0].failing_checks.size(), 2u);
  EXPECT_EQ(s.nodes[0].failing_checks[1].check, "load");
  EXPECT_EQ(s.nodes[0].failing_checks[1].level, "warn");
  EXPECT_EQ(s.nodes[0].directory_revision, 3u);  // the last applied one
  EXPECT_EQ(s.nodes[0].directory_apply_ok, false);  // its latest result failed
  EXPECT_FALSE(s.nodes[2].verdict);
  EXPECT_FALSE(s.nodes[2].directory_revision);
  // Not in maintenance: unknown before the ops branch is merged, false after.
  EXPECT_NE(s.nodes[0].maintenance, std::optional<bool>(true));

  // The shared filesystem: one row for the cluster, from the newest report.
  ASSERT_EQ(s.quotas.size(), 1u);
  EXPECT_EQ(s.quotas[0].node, "");
  EXPECT_EQ(s.quotas[0].used_bytes, 200u);
  EXPECT_EQ(s.quotas[0].hard_limit_bytes, 1u << 20);
  EXPECT_EQ(s.quotas[0].filesystem, "/home");
  ASSERT_EQ(s.slices.size(), 2u);  // slices are per node
  EXPECT_EQ(s.slices[0].cpu_usage_us, 2'000'000u);
}

TEST(MetricsSnapshot, LocalQuotaIsPerNode) {
  ManualClock clock;
  NodeTable table(3s);
  (void)table.heard_from("a", clock.monotonic(), clock.wall());
  (void)table.heard_from("b", clock.monotonic(), clock.wall());
  table.record_report("a", report_with_quota(false, 100, 1));
  table.record_report("b", report_with_quota(false, 200, 2));
  const MetricsSnapshot s = make_metrics_snapshot(table, DirectoryState{});
  ASSERT_EQ(s.quotas.size(), 2u);
  EXPECT_TRUE(s.nodes[0].up);
  EXPECT_EQ(s.quotas[0].node, "a");
  EXPECT_EQ(s.quotas[1].node, "b");
  EXPECT_EQ(s.directory_revision, 0u);
}

}  // namespace
}  // namespace herd::controller
