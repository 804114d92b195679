// How long the controller's loop spends on one scrape of /metrics, and how
// big the answer is, for 10,000 nodes with reports (docs/performance.md).
//
//   bench-metrics --benchmark_counters_tabular=true
//
// Each node reports: a verdict (every 10th node with two failing checks),
// a shared CephFS /home with 10 users from a pool of 2,000 (counted once
// for the cluster), a local XFS /scratch quota for `users` users, and the
// slices of `users` users. Args: {nodes, users per node}.

#include <algorithm>

#include <benchmark/benchmark.h>

#include "controller/metrics_snapshot.hpp"
#include "controller/metrics_text.hpp"

namespace herd::controller {
namespace {

using namespace std::chrono_literals;

protocol::NodeReport make_report(int node, int users) {
  protocol::NodeReport r;
  r.collected_ms = 1'700'000'000'000 + node;
  if (node % 10 == 0) {
    r.verdict.verdict = protocol::Verdict::fail;
    r.verdict.findings = {{"mount:/scratch", protocol::Verdict::fail, "/scratch is hung"},
                          {"load", protocol::Verdict::warn, "load 40 > 32"}};
  }
  protocol::QuotaFilesystem home{"home", "cephfs", "/home/%u", "mon:/", "cephfs:mon:/:1", true};
  protocol::QuotaFilesystem scratch{"scratch", "xfs", "/scratch", "/dev/sdb", "xfs:/dev/sdb:" + std::to_string(node),
                                    false};
  r.quota_filesystems = {home, scratch};
  for (int i = 0; i < 10; ++i) {
    protocol::UserQuota q;
    q.filesystem = "home";
    q.uid = static_cast<uint32_t>(10000 + (node * 7 + i) % 2000);
    q.bytes_used = 1u << 30;
    q.bytes_hard = uint64_t{100} << 30;
    q.inodes_used = 100000;
    q.inodes_hard = 1000000;
    r.quotas.push_back(q);
  }
  for (int i = 0; i < users; ++i) {
    const auto uid = static_cast<uint32_t>(10000 + (node + i) % 2000);
    protocol::UserQuota q;
    q.filesystem = "scratch";
    q.uid = uid;
    q.bytes_used = 5u << 20;
    q.bytes_soft = uint64_t{50} << 30;
    q.bytes_hard = uint64_t{60} << 30;
    r.quotas.push_back(q);
    protocol::UserSlice s;
    s.uid = uid;
    s.memory_bytes = 1u << 28;
    s.memory_max_bytes = uint64_t{8} << 30;
    s.cpu_usage_us = 123'456'789;
    r.slices.push_back(s);
  }
  return r;
}

NodeTable make_table(int nodes, int users) {
  ManualClock clock;
  NodeTable table(3s);
  for (int n = 0; n < nodes; ++n) {
    const std::string name = fmt::format("node{:05}", n);
    (void)table.heard_from(name, clock.monotonic(), clock.wall());
    table.record_report(name, make_report(n, users));
  }
  return table;
}

void BM_MetricsScrape(benchmark::State& state) {
  const NodeTable table = make_table(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const DirectoryState directory;
  std::size_t bytes = 0;
  std::size_t lines = 0;
  for (auto _ : state) {
    const std::string text = render_metrics(make_metrics_snapshot(table, directory));
    bytes = text.size();
    lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["lines"] = static_cast<double>(lines);
}
BENCHMARK(BM_MetricsScrape)->Args({10'000, 0})->Args({10'000, 5})->Unit(benchmark::kMillisecond);

void BM_MetricsRenderOnly(benchmark::State& state) {
  const NodeTable table = make_table(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const MetricsSnapshot snapshot = make_metrics_snapshot(table, DirectoryState{});
  for (auto _ : state) benchmark::DoNotOptimize(render_metrics(snapshot));
}
BENCHMARK(BM_MetricsRenderOnly)->Args({10'000, 0})->Args({10'000, 5})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace herd::controller

BENCHMARK_MAIN();
