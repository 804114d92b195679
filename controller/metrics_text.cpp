#include "controller/metrics_text.hpp"

#include <array>
#include <initializer_list>
#include <iterator>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace herd::controller {

namespace {

struct Label {
  std::string_view name;
  std::string_view value;
};

// Appends to one growing buffer: /metrics of 10,000 nodes is megabytes, and
// formatting in place avoids a string per sample.
class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(buffer_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }

  void sample(std::string_view name, std::initializer_list<Label> labels, uint64_t value) {
    start(name, labels);
    fmt::format_to(std::back_inserter(buffer_), " {}\n", value);
  }
  void sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    start(name, labels);
    // Shortest text that reads back as the same double: 1700000000.25, 0.5.
    fmt::format_to(std::back_inserter(buffer_), " {}\n", value);
  }

  [[nodiscard]] std::string text() const { return fmt::to_string(buffer_); }

 private:

  void start(std::string_view name, std::initializer_list<Label> labels) {
    buffer_.append(name);
    if (labels.size() == 0) return;
    buffer_.push_back('{');
    bool first = true;
    for (const Label& l : labels) {
      if (!first) buffer_.push_back(',');
      first = false;
      buffer_.append(l.name);
      buffer_.append(std::string_view{"=\""});
      append_escaped(l.value);
      buffer_.push_back('"');
    }
    buffer_.push_back('}');
  }

  void append_escaped(std::string_view value) {
    for (char c : value) {
      switch (c) {
        case '\\': buffer_.append(std::string_view{"\\\\"}); break;
        case '"': buffer_.append(std::string_view{"\\\""}); break;
        case '\n': buffer_.append(std::string_view{"\\n"}); break;
        default: buffer_.push_back(c);
      }
    }
  }

  fmt::memory_buffer buffer_;
};

uint64_t flag(bool b) { return b ? 1 : 0; }

constexpr std::array<std::string_view, 3> kVerdicts{"ok", "warn", "fail"};
constexpr std::array<std::string_view, 2> kLevels{"warn", "fail"};

void write_nodes(Writer& w, const MetricsSnapshot& s) {
  w.family("herd_node_up", "gauge", "1 if the node's agent is connected and heard from within down_after, else 0.");
  for (const auto& n : s.nodes) w.sample("herd_node_up", {{"node", n.name}}, flag(n.up));

  w.family("herd_node_last_seen_timestamp_seconds", "gauge",
           "When the controller last heard from the node (Unix time); absent if never.");
  for (const auto& n : s.nodes) {
    if (n.last_seen_seconds) w.sample("herd_node_last_seen_timestamp_seconds", {{"node", n.name}}, *n.last_seen_seconds);
  }

  bool any_maintenance = false;
  for (const auto& n : s.nodes) any_maintenance = any_maintenance || n.maintenance.has_value();
  if (any_maintenance) {
    w.family("herd_node_maintenance", "gauge", "1 if the node is in maintenance, else 0.");
    for (const auto& n : s.nodes) {
      if (n.maintenance) w.sample("herd_node_maintenance", {{"node", n.name}}, flag(*n.maintenance));
    }
  }

  w.family("herd_node_health", "gauge",
           "Health verdict of the node's latest report, one series per verdict (ok, warn, fail); the one that "
           "holds is 1.");
  for (const auto& n : s.nodes) {
    if (!n.verdict) continue;
    for (std::string_view v : kVerdicts) w.sample("herd_node_health", {{"node", n.name}, {"verdict", v}}, flag(*n.verdict == v));
  }

  w.family("herd_node_report_timestamp_seconds", "gauge",
           "When the node's latest report was collected (Unix time, the node's clock).");
  for (const auto& n : s.nodes) {
    if (n.report_seconds) w.sample("herd_node_report_timestamp_seconds", {{"node", n.name}}, *n.report_seconds);
  }

  w.family("herd_node_health_checks_failing", "gauge",
           "Health checks of the node's latest report that did not pass, by level (warn, fail).");
  for (const auto& n : s.nodes) {
    if (!n.verdict) continue;
    for (std::string_view level : kLevels) {
      uint64_t count = 0;
      for (const auto& c : n.failing_checks) count += flag(c.level == level);
      w.sample("herd_node_health_checks_failing", {{"node", n.name}, {"level", level}}, count);
    }
  }

  w.family("herd_node_health_check_failing", "gauge",
           "1 for each health check that did not pass in the node's latest report, by check and level.");
  for (const auto& n : s.nodes) {
    // A check listed twice at the same level would be a duplicate series,
    // which makes Prometheus reject the sample.
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& c : n.failing_checks) {
      if (!seen.emplace(c.check, c.level).second) continue;
      w.sample("herd_node_health_check_failing", {{"node", n.name}, {"check", c.check}, {"level", c.level}}, uint64_t{1});
    }
  }
}

void write_directory(Writer& w, const MetricsSnapshot& s) {
  w.family("herd_directory_revision", "gauge", "The controller's current directory revision (0: none yet).");
  w.sample("herd_directory_revision", {}, s.directory_revision);

  w.family("herd_node_directory_revision", "gauge", "The directory revision the node last applied.");
  for (const auto& n : s.nodes) {
    if (n.directory_revision) w.sample("herd_node_directory_revision", {{"node", n.name}}, *n.directory_revision);
  }
  w.family("herd_node_directory_apply_success", "gauge",
           "1 if the node's latest directory result was a successful apply, 0 if it failed.");
  for (const auto& n : s.nodes) {
    if (n.directory_apply_ok) w.sample("herd_node_directory_apply_success", {{"node", n.name}}, flag(*n.directory_apply_ok));
  }
}

void write_quotas(Writer& w, const MetricsSnapshot& s) {
  using Field = std::optional<uint64_t> QuotaMetrics::*;
  struct Family {
    std::string_view name;
    std::string_view help;
    Field field;
  };
  const std::array<Family, 5> optional_families{{
      {"herd_user_quota_soft_limit_bytes", "Soft disk quota limit; absent when none is set.",
       &QuotaMetrics::soft_limit_bytes},
      {"herd_user_quota_hard_limit_bytes", "Hard disk quota limit; absent when none is set.",
       &QuotaMetrics::hard_limit_bytes},
      {"herd_user_quota_used_inodes", "Files used.", &QuotaMetrics::used_inodes},
      {"herd_user_quota_soft_limit_inodes", "Soft file limit; absent when none is set.",
       &QuotaMetrics::soft_limit_inodes},
      {"herd_user_quota_hard_limit_inodes", "Hard file limit; absent when none is set.",
       &QuotaMetrics::hard_limit_inodes},
  }};
  const auto uid_text = [](const QuotaMetrics& q) { return fmt::format_int(q.uid); };

  w.family("herd_user_quota_used_bytes", "gauge",
           "Disk space used by the user. A shared filesystem is counted once for the cluster (node=\"\").");
  for (const auto& q : s.quotas) {
    const auto uid = uid_text(q);
    w.sample("herd_user_quota_used_bytes",
             {{"uid", uid.str()}, {"user", q.user}, {"node", q.node}, {"filesystem", q.filesystem}}, q.used_bytes);
  }
  for (const Family& f : optional_families) {
    w.family(f.name, "gauge", f.help);
    for (const auto& q : s.quotas) {
      const auto& value = q.*f.field;
      if (!value) continue;
      const auto uid = uid_text(q);
      w.sample(f.name, {{"uid", uid.str()}, {"user", q.user}, {"node", q.node}, {"filesystem", q.filesystem}},
               *value);
    }
  }
}

void write_slices(Writer& w, const MetricsSnapshot& s) {
  w.family("herd_user_slice_memory_bytes", "gauge", "Memory used by the user's slice on the node (memory.current).");
  for (const auto& sl : s.slices) {
    if (!sl.memory_bytes) continue;
    const auto uid = fmt::format_int(sl.uid);
    w.sample("herd_user_slice_memory_bytes", {{"uid", uid.str()}, {"user", sl.user}, {"node", sl.node}},
             *sl.memory_bytes);
  }
  w.family("herd_user_slice_memory_max_bytes", "gauge", "Memory limit of the user's slice (memory.max); absent: none.");
  for (const auto& sl : s.slices) {
    if (!sl.memory_max_bytes) continue;
    const auto uid = fmt::format_int(sl.uid);
    w.sample("herd_user_slice_memory_max_bytes", {{"uid", uid.str()}, {"user", sl.user}, {"node", sl.node}},
             *sl.memory_max_bytes);
  }
  w.family("herd_user_slice_cpu_seconds_total", "counter",
           "CPU time used by the user's slice since it was created (cpu.stat usage_usec).");
  for (const auto& sl : s.slices) {
    if (!sl.cpu_usage_us) continue;
    const auto uid = fmt::format_int(sl.uid);
    w.sample("herd_user_slice_cpu_seconds_total", {{"uid", uid.str()}, {"user", sl.user}, {"node", sl.node}},
             static_cast<double>(*sl.cpu_usage_us) / 1e6);
  }
}

void write_counter_map(Writer& w, std::string_view name, std::string_view label, std::string_view help,
                       const std::map<std::string, uint64_t>& values) {
  w.family(name, "counter", help);
  for (const auto& [key, value] : values) w.sample(name, {{label, key}}, value);
}

void write_counters(Writer& w, const ControllerCounters& c) {
  const std::array<std::tuple<std::string_view, std::string_view, uint64_t>, 5> plain{{
      {"herd_controller_messages_received_total", "Messages received on the agent channel and the query socket.",
       c.messages_received},
      {"herd_controller_messages_sent_total", "Messages sent to agents, query clients and subscribers.",
       c.messages_sent},
      {"herd_controller_messages_unsent_total", "Replies not sent because the peer was gone or too slow.",
       c.messages_unsent},
      {"herd_controller_bad_messages_total", "Messages dropped because they were malformed or not allowed.",
       c.bad_messages},
      {"herd_controller_refused_connections_total", "Agent connections refused because their key is not enrolled.",
       c.refused_connections},
  }};
  for (const auto& [name, help, value] : plain) {
    w.family(name, "counter", help);
    w.sample(name, {}, value);
  }
  write_counter_map(w, "herd_controller_queries_total", "kind",
                    "Queries answered, by message kind (invalid: could not be decoded or dispatched).", c.queries);
  write_counter_map(w, "herd_controller_directory_applies_total", "outcome",
                    "Directory files proposed (herd directory apply, directory_file), by outcome.",
                    c.directory_applies);
  write_counter_map(w, "herd_controller_directory_results_total", "outcome",
                    "Directory results acknowledged by nodes, by outcome.", c.directory_results);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_metrics(const MetricsSnapshot& s) {
  Writer w;
  w.family("herd_build_info", "gauge", "Always 1; the controller's version is in the label.");
  w.sample("herd_build_info", {{"version", s.version}}, uint64_t{1});
  w.family("herd_controller_start_time_seconds", "gauge", "When the controller started (Unix time).");
  w.sample("herd_controller_start_time_seconds", {}, s.start_time_seconds);
  write_nodes(w, s);
  write_directory(w, s);
  write_quotas(w, s);
  write_slices(w, s);
  write_counters(w, s.counters);
  return w.text();
}

}  // namespace herd::controller
