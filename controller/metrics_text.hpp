#pragma once
// /metrics in the Prometheus text exposition format (version 0.0.4), pure:
// a plain snapshot of what the controller knows goes in, the text comes
// out. No sockets, no clock, no controller: unit tests compare exact text.
//
// Conventions (https://prometheus.io/docs/practices/naming/): every name
// starts with `herd_`, values are in base units (seconds, bytes), counters
// end in `_total`, every family has HELP and TYPE lines and is written in
// one block, label values are escaped. Label values come only from bounded
// sets (node names, uids, configured check names, fixed outcomes), never
// from free text such as a check's message.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::controller {

struct FailingCheck {
  std::string check;  // e.g. "mount:/scratch", as configured on the node
  std::string level;  // "warn" or "fail"
};

struct NodeMetrics {
  std::string name;
  bool up = false;
  std::optional<double> last_seen_seconds;  // Unix time; absent: never heard from
  // From the node's latest report; absent when none arrived since the controller started.
  std::optional<std::string> verdict;  // "ok", "warn" or "fail"
  std::optional<double> report_seconds;
  std::vector<FailingCheck> failing_checks;
  // The directory revision the node last applied, and whether its latest
  // result was a success; absent when it never acknowledged one.
  std::optional<uint64_t> directory_revision;
  std::optional<bool> directory_apply_ok;
  // Whether the node is in maintenance (NodeInfo::maintenance);
  // herd_node_maintenance is written for the nodes where it is set (and the
  // family is left out when none is).
  std::optional<bool> maintenance;
};

// One quota row as reports::quota_view gives it: a shared filesystem's row
// is counted once for the cluster and has no node (node is empty).
struct QuotaMetrics {
  uint32_t uid = 0;
  std::string user;  // name from the directory; empty when unknown
  std::string node;
  std::string filesystem;  // mount point (or CephFS directory template)
  uint64_t used_bytes = 0;
  std::optional<uint64_t> soft_limit_bytes;
  std::optional<uint64_t> hard_limit_bytes;
  std::optional<uint64_t> used_inodes;
  std::optional<uint64_t> soft_limit_inodes;
  std::optional<uint64_t> hard_limit_inodes;
};

struct SliceMetrics {
  uint32_t uid = 0;
  std::string user;
  std::string node;
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> memory_max_bytes;
  std::optional<uint64_t> cpu_usage_us;
};

// The controller's own counters; they only ever grow while it runs.
// Maps are keyed by a bounded label value (message kind, outcome).
struct ControllerCounters {
  uint64_t messages_received = 0;
  uint64_t messages_sent = 0;
  uint64_t messages_unsent = 0;
  uint64_t bad_messages = 0;
  uint64_t refused_connections = 0;
  std::map<std::string, uint64_t> queries;             // by kind ("status_query", ..., "invalid")
  std::map<std::string, uint64_t> directory_applies;   // by outcome ("committed", "unchanged", ...)
  std::map<std::string, uint64_t> directory_results;   // nodes' acks by outcome ("applied", "failed")
};

struct MetricsSnapshot {
  std::string version;               // herd_build_info
  double start_time_seconds = 0;     // Unix time the controller started
  uint64_t directory_revision = 0;   // current revision; 0: none yet
  std::vector<NodeMetrics> nodes;    // sorted by name
  std::vector<QuotaMetrics> quotas;  // sorted by uid, filesystem, node
  std::vector<SliceMetrics> slices;
  ControllerCounters counters;
};

// The content type of what render_metrics returns.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

[[nodiscard]] std::string render_metrics(const MetricsSnapshot& snapshot);

// Label value escaping of the text format: backslash, double quote and
// line feed become \\, \" and \n.
[[nodiscard]] std::string escape_label_value(std::string_view value);

}  // namespace herd::controller
