#include "controller/metrics_snapshot.hpp"

#include <chrono>
#include <set>
#include <tuple>
#include <unordered_map>

#include "reports/views.hpp"

namespace herd::controller {

namespace {

double unix_seconds(WallTime t) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) /
         1000.0;
}

NodeMetrics node_metrics(const NodeInfo& n, const DirectoryState& directory) {
  NodeMetrics m;
  m.name = n.name;
  m.up = n.state == NodeState::up;
  if (n.last_seen.time_since_epoch().count() != 0) m.last_seen_seconds = unix_seconds(n.last_seen);
  if (n.report) {
    m.verdict = std::string(protocol::EnumNames<protocol::Verdict>::names.at(
        static_cast<std::size_t>(n.report->verdict.verdict)));
    m.report_seconds = static_cast<double>(n.report->collected_ms) / 1000.0;
    for (const auto& f : n.report->verdict.findings) {
      m.failing_checks.push_back(
          {f.check, std::string(protocol::EnumNames<protocol::Verdict>::names.at(static_cast<std::size_t>(f.level)))});
    }
  }
  if (const NodeDirectoryResult* r = directory.result_of(n.name)) {
    m.directory_revision = r->applied_revision;
    m.directory_apply_ok = r->result.applied;
  }
  m.maintenance = n.maintenance.has_value();
  return m;
}

}  // namespace

MetricsSnapshot make_metrics_snapshot(const NodeTable& table, const DirectoryState& directory) {
  MetricsSnapshot s;
  s.directory_revision = directory.revision();
  s.nodes.reserve(table.nodes().size());
  std::vector<reports::NodeReportRef> refs;
  for (const auto& [name, node] : table.nodes()) {
    s.nodes.push_back(node_metrics(node, directory));
    if (node.report) refs.push_back({name, &*node.report});
  }

  std::unordered_map<uint32_t, std::string> names;
  if (const protocol::Directory* d = directory.directory()) {
    for (const auto& u : d->users) names.emplace(u.uid, u.name);
  }
  const auto name_of = [&](uint32_t uid) {
    const auto it = names.find(uid);
    return it == names.end() ? std::string() : it->second;
  };

  // The same view `herd quota --all` shows: shared filesystems counted once.
  const protocol::QuotaReply view = reports::quota_view(refs, reports::UserSelection{true, 0});
  // Two rows with the same labels would be a duplicate series, which
  // Prometheus rejects; the first (newest-sorted) one is kept.
  std::set<std::tuple<uint32_t, std::string_view, std::string_view>> seen;
  s.quotas.reserve(view.rows.size());
  for (const auto& row : view.rows) {
    const std::string_view node = row.node ? std::string_view(*row.node) : std::string_view();
    if (!seen.emplace(row.quota.uid, node, row.filesystem.path).second) continue;
    QuotaMetrics q;
    q.uid = row.quota.uid;
    q.user = name_of(q.uid);
    q.node = std::string(node);
    q.filesystem = row.filesystem.path;
    q.used_bytes = row.quota.bytes_used;
    q.soft_limit_bytes = row.quota.bytes_soft;
    q.hard_limit_bytes = row.quota.bytes_hard;
    q.used_inodes = row.quota.inodes_used;
    q.soft_limit_inodes = row.quota.inodes_soft;
    q.hard_limit_inodes = row.quota.inodes_hard;
    s.quotas.push_back(std::move(q));
  }
  std::set<std::pair<uint32_t, std::string_view>> seen_slices;
  for (const auto& row : view.slices) {
    if (!seen_slices.emplace(row.slice.uid, row.node).second) continue;
    SliceMetrics sl;
    sl.uid = row.slice.uid;
    sl.user = name_of(sl.uid);
    sl.node = row.node;
    sl.memory_bytes = row.slice.memory_bytes;
    sl.memory_max_bytes = row.slice.memory_max_bytes;
    sl.cpu_usage_us = row.slice.cpu_usage_us;
    s.slices.push_back(std::move(sl));
  }
  return s;
}

}  // namespace herd::controller
