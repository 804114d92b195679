#include "controller/metrics_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;
using testing::Not;

namespace herd::controller {
namespace {

MetricsSnapshot small_cluster() {
  MetricsSnapshot s;
  s.version = "1.2.3";
  s.start_time_seconds = 1700000000.5;
  s.directory_revision = 7;
  NodeMetrics a;
  a.name = "n1";
  a.up = true;
  a.last_seen_seconds = 1700000100.25;
  a.verdict = "warn";
  a.report_seconds = 1700000099;
  a.failing_checks = {{"mount:/scratch", "warn"}};
  a.directory_revision = 7;
  a.directory_apply_ok = true;
  NodeMetrics b;
  b.name = "n2";
  s.nodes = {a, b};
  QuotaMetrics shared;
  shared.uid = 1000;
  shared.user = "alice";
  shared.filesystem = "/home/%u";
  shared.used_bytes = 4096;
  shared.hard_limit_bytes = 1048576;
  s.quotas = {shared};
  SliceMetrics slice;
  slice.uid = 1000;
  slice.user = "alice";
  slice.node = "n1";
  slice.memory_bytes = 2048;
  slice.cpu_usage_us = 1500000;
  s.slices = {slice};
  s.counters.messages_received = 10;
  s.counters.messages_sent = 9;
  s.counters.bad_messages = 1;
  s.counters.queries = {{"invalid", 0}, {"status_query", 3}};
  s.counters.directory_applies = {{"committed", 1}};
  s.counters.directory_results = {{"applied", 1}, {"failed", 0}};
  return s;
}

TEST(MetricsText, SmallClusterRendersExactly) {
  const std::string expected = R"(# HELP herd_build_info Always 1; the controller's version is in the label.
# TYPE herd_build_info gauge
herd_build_info{version="1.2.3"} 1
# HELP herd_controller_start_time_seconds When the controller started (Unix time).
# TYPE herd_controller_start_time_seconds gauge
herd_controller_start_time_seconds 1700000000.5
# HELP herd_node_up 1 if the node's agent is connected and heard from within down_after, else 0.
# TYPE herd_node_up gauge
herd_node_up{node="n1"} 1
herd_node_up{node="n2"} 0
# HELP herd_node_last_seen_timestamp_seconds When the controller last heard from the node (Unix time); absent if never.
# TYPE herd_node_last_seen_timestamp_seconds gauge
herd_node_last_seen_timestamp_seconds{node="n1"} 1700000100.25
# HELP herd_node_health Health verdict of the node's latest report, one series per verdict (ok, warn, fail); the one that holds is 1.
# TYPE herd_node_health gauge
herd_node_health{node="n1",verdict="ok"} 0
herd_node_health{node="n1",verdict="warn"} 1
herd_node_health{node="n1",verdict="fail"} 0
# HELP herd_node_report_timestamp_seconds When the node's latest report was collected (Unix time, the node's clock).
# TYPE herd_node_report_timestamp_seconds gauge
herd_node_report_timestamp_seconds{node="n1"} 1700000099
# HELP herd_node_health_checks_failing Health checks of the node's latest report that did not pass, by level (warn, fail).
# TYPE herd_node_health_checks_failing gauge
herd_node_health_checks_failing{node="n1",level="warn"} 1
herd_node_health_checks_failing{node="n1",level="fail"} 0
# HELP herd_node_health_check_failing 1 for each health check that did not pass in the node's latest report, by check and level.
# TYPE herd_node_health_check_failing gauge
herd_node_health_check_failing{node="n1",check="mount:/scratch",level="warn"} 1
# HELP herd_directory_revision The controller's current directory revision (0: none yet).
# TYPE herd_directory_revision gauge
herd_directory_revision 7
# HELP herd_node_directory_revision The directory revision the node last applied.
# TYPE herd_node_directory_revision gauge
herd_node_directory_revision{node="n1"} 7
# HELP herd_node_directory_apply_success 1 if the node's latest directory result was a successful apply, 0 if it failed.
# TYPE herd_node_directory_apply_success gauge
herd_node_directory_apply_success{node="n1"} 1
# HELP herd_user_quota_used_bytes Disk space used by the user. A shared filesystem is counted once for the cluster (node="").
# TYPE herd_user_quota_used_bytes gauge
herd_user_quota_used_bytes{uid="1000",user="alice",node="",filesystem="/home/%u"} 4096
# HELP herd_user_quota_soft_limit_bytes Soft disk quota limit; absent when none is set.
# TYPE herd_user_quota_soft_limit_bytes gauge
# HELP herd_user_quota_hard_limit_bytes Hard disk quota limit; absent when none is set.
# TYPE herd_user_quota_hard_limit_bytes gauge
herd_user_quota_hard_limit_bytes{uid="1000",user="alice",node="",filesystem="/home/%u"} 1048576
# HELP herd_user_quota_used_inodes Files used.
# TYPE herd_user_quota_used_inodes gauge
# HELP herd_user_quota_soft_limit_inodes Soft file limit; absent when none is set.
# TYPE herd_user_quota_soft_limit_inodes gauge
# HELP herd_user_quota_hard_limit_inodes Hard file limit; absent when none is set.
# TYPE herd_user_quota_hard_limit_inodes gauge
# HELP herd_user_slice_memory_bytes Memory used by the user's slice on the node (memory.current).
# TYPE herd_user_slice_memory_bytes gauge
herd_user_slice_memory_bytes{uid="1000",user="alice",node="n1"} 2048
# HELP herd_user_slice_memory_max_bytes Memory limit of the user's slice (memory.max); absent: none.
# TYPE herd_user_slice_memory_max_bytes gauge
# HELP herd_user_slice_cpu_seconds_total CPU time used by the user's slice since it was created (cpu.stat usage_usec).
# TYPE herd_user_slice_cpu_seconds_total counter
herd_user_slice_cpu_seconds_total{uid="1000",user="alice",node="n1"} 1.5
# HELP herd_controller_messages_received_total Messages received on the agent channel and the query socket.
# TYPE herd_controller_messages_received_total counter
herd_controller_messages_received_total 10
# HELP herd_controller_messages_sent_total Messages sent to agents, query clients and subscribers.
# TYPE herd_controller_messages_sent_total counter
herd_controller_messages_sent_total 9
# HELP herd_controller_messages_unsent_total Replies not sent because the peer was gone or too slow.
# TYPE herd_controller_messages_unsent_total counter
herd_controller_messages_unsent_total 0
# HELP herd_controller_bad_messages_total Messages dropped because they were malformed or not allowed.
# TYPE herd_controller_bad_messages_total counter
herd_controller_bad_messages_total 1
# HELP herd_controller_refused_connections_total Agent connections refused because their key is not enrolled.
# TYPE herd_controller_refused_connections_total counter
herd_controller_refused_connections_total 0
# HELP herd_controller_queries_total Queries answered, by message kind (invalid: could not be decoded or dispatched).
# TYPE herd_controller_queries_total counter
herd_controller_queries_total{kind="invalid"} 0
herd_controller_queries_total{kind="status_query"} 3
# HELP herd_controller_directory_applies_total Directory files proposed (herd directory apply, directory_file), by outcome.
# TYPE herd_controller_directory_applies_total counter
herd_controller_directory_applies_total{outcome="committed"} 1
# HELP herd_controller_directory_results_total Directory results acknowledged by nodes, by outcome.
# TYPE herd_controller_directory_results_total counter
herd_controller_directory_results_total{outcome="applied"} 1
herd_controller_directory_results_total{outcome="failed"} 0
)";
  EXPECT_EQ(render_metrics(small_cluster()), expected);
}

TEST(MetricsText, HostileLabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)" "\nd"), R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value(""), "");
  EXPECT_EQ(escape_label_value("ünïcode\t"), "ünïcode\t");  // UTF-8 and tabs are allowed as they are

  MetricsSnapshot s;
  NodeMetrics n;
  n.name = "evil\"} 1\nherd_node_up{node=\"x";
  n.verdict = "fail";
  n.failing_checks = {{"unit:\\\"\n", "fail"}};
  s.nodes = {n};
  const std::string text = render_metrics(s);
  EXPECT_THAT(text, HasSubstr(R"(herd_node_up{node="evil\"} 1\nherd_node_up{node=\"x"} 0)"));
  EXPECT_THAT(text, HasSubstr(R"(check="unit:\\\"\n",level="fail"} 1)"));
  // No line may start with anything but a comment or a herd_ sample: the
  // hostile name did not break out of its label.
  std::size_t pos = 0;
  while (pos < text.size()) {
    EXPECT_TRUE(text.compare(pos, 1, "#") == 0 || text.compare(pos, 5, "herd_") == 0) << text.substr(pos, 60);
    pos = text.find('\n', pos) + 1;
  }
}

TEST(MetricsText, EmptyClusterStillHasEveryFamilyAndTheCounters) {
  const std::string text = render_metrics(MetricsSnapshot{});
  EXPECT_THAT(text, HasSubstr("# TYPE herd_node_up gauge\n# HELP herd_node_last_seen"));
  EXPECT_THAT(text, HasSubstr("herd_directory_revision 0\n"));
  EXPECT_THAT(text, HasSubstr("herd_controller_messages_received_total 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("{node=")));
  EXPECT_THAT(text, Not(HasSubstr("herd_node_maintenance")));  // not known yet: family left out
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsText, MaintenanceIsRenderedWhereSet) {
  MetricsSnapshot s = small_cluster();
  s.nodes[0].maintenance = true;
  const std::string text = render_metrics(s);
  EXPECT_THAT(text, HasSubstr("# TYPE herd_node_maintenance gauge\nherd_node_maintenance{node=\"n1\"} 1\n# HELP"));
  EXPECT_THAT(text, Not(HasSubstr("herd_node_maintenance{node=\"n2\"}")));
  s.nodes[1].maintenance = false;
  EXPECT_THAT(render_metrics(s), HasSubstr("herd_node_maintenance{node=\"n2\"} 0\n"));
}

TEST(MetricsText, ACheckListedTwiceIsOneSeries) {
  MetricsSnapshot s;
  NodeMetrics n;
  n.name = "n";
  n.verdict = "fail";
  n.failing_checks = {{"load", "fail"}, {"load", "fail"}, {"load", "warn"}};
  s.nodes = {n};
  const std::string text = render_metrics(s);
  EXPECT_THAT(text, HasSubstr("herd_node_health_checks_failing{node=\"n\",level=\"fail\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("{node=\"n\",check=\"load\",level=\"fail\"} 1\nherd_node_health_check_failing"
                              "{node=\"n\",check=\"load\",level=\"warn\"} 1\n"));
}

uint64_t sample_value(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  EXPECT_NE(at, std::string::npos) << series;
  if (at == std::string::npos) return 0;
  return std::stoull(text.substr(at + series.size() + 2));
}

TEST(MetricsText, CountersRenderAsTheyGrowAndLargeValuesStayExact) {
  MetricsSnapshot s = small_cluster();
  uint64_t previous = 0;
  for (uint64_t step : {uint64_t{0}, uint64_t{1}, uint64_t{1000}, uint64_t{1} << 40}) {
    s.counters.messages_received += step;
    s.counters.queries["status_query"] += step;
    const std::string text = render_metrics(s);
    const uint64_t now = sample_value(text, "herd_controller_messages_received_total");
    EXPECT_GE(now, previous);
    EXPECT_EQ(now, s.counters.messages_received);
    EXPECT_EQ(sample_value(text, "herd_controller_queries_total{kind=\"status_query\"}"),
              s.counters.queries["status_query"]);
    previous = now;
  }
}

}  // namespace
}  // namespace herd::controller
