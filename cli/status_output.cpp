#include "cli/status_output.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/maintenance_output.hpp"
#include "cli/table.hpp"
#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli {
namespace {

std::string memory_text(const protocol::NodeStatus& n) {
  if (!n.mem_total_bytes || !n.mem_available_bytes) return "-";
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  const double total = static_cast<double>(*n.mem_total_bytes) / kGiB;
  const double used = static_cast<double>(*n.mem_total_bytes - std::min(*n.mem_total_bytes, *n.mem_available_bytes)) / kGiB;
  return fmt::format("{:.1f}/{:.1f} GiB", used, total);
}

// The node's directory revision; "!" marks a refused apply.
Cell revision_cell(const protocol::NodeStatus& n) {
  if (n.directory_error) return {(n.directory_revision ? std::to_string(*n.directory_revision) : "-") + "!", Colour::red};
  return {n.directory_revision ? std::to_string(*n.directory_revision) : "-"};
}

// "ok", or the verdict with the first reason: "warn: /scratch 97% used (+1 more)".
Cell health_cell(const protocol::NodeStatus& n) {
  if (!n.health) return {"-"};
  const auto& h = *n.health;
  const std::string verdict(protocol::EnumNames<protocol::Verdict>::names[static_cast<std::size_t>(h.verdict)]);
  const Colour c = h.verdict == protocol::Verdict::ok ? Colour::green
                   : h.verdict == protocol::Verdict::warn ? Colour::yellow
                                                          : Colour::red;
  if (h.findings.empty()) return {verdict, c};
  std::string text = verdict + ": " + printable(h.findings.front().message);
  if (h.findings.size() > 1) text += fmt::format(" (+{} more)", h.findings.size() - 1);
  return {text, c};
}

std::string ago(WallTime now, int64_t then_ms) {
  if (then_ms == 0) return "never";
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(now - from_unix_ms(then_ms))) + " ago";
}

// "kernel update, ends in 58m": the reason cut to fit a table.
Cell maintenance_cell(const protocol::NodeStatus& n, WallTime now) {
  if (!n.maintenance) return {"-"};
  constexpr std::size_t kMaxReason = 32;
  std::string text = printable(n.maintenance->reason);
  if (text.size() > kMaxReason) text = text.substr(0, kMaxReason - 3) + "...";
  if (n.maintenance->until_ms) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(from_unix_ms(*n.maintenance->until_ms) - now);
    text += left.count() > 0 ? ", ends in " + format_duration(left) : ", ending";
  }
  return {text, Colour::yellow};
}

}  // namespace

std::string status_table(const protocol::StatusReply& reply, WallTime now, bool colour) {
  // The MAINTENANCE column appears when a node is in maintenance.
  const bool any_maintenance =
      std::any_of(reply.nodes.begin(), reply.nodes.end(), [](const auto& n) { return n.maintenance.has_value(); });
  std::vector<std::string> headers{"NAME", "STATE", "SINCE", "LAST SEEN", "LOAD", "MEMORY", "REV", "HEALTH"};
  if (any_maintenance) headers.insert(headers.begin() + 2, "MAINTENANCE");
  Table table(std::move(headers));
  for (const auto& n : reply.nodes) {
    const bool up = n.state == protocol::NodeState::up;
    const auto in_state = std::chrono::duration_cast<std::chrono::milliseconds>(now - from_unix_ms(n.since_ms));
    const std::string load = n.load ? fmt::format("{:.2f} {:.2f} {:.2f}", (*n.load)[0], (*n.load)[1], (*n.load)[2]) : "-";
    std::vector<Cell> row{{printable(n.name)},
                          {up ? "up" : "down", up ? Colour::green : Colour::red},
                          {format_duration(in_state)},
                          {ago(now, n.last_seen_ms)},
                          {up ? load : "-", up ? Colour::none : Colour::dim},
                          {up ? memory_text(n) : "-", up ? Colour::none : Colour::dim},
                          revision_cell(n),
                          health_cell(n)};
    if (any_maintenance) row.insert(row.begin() + 2, maintenance_cell(n, now));
    table.add_row(std::move(row));
  }
  std::string out = table.render(colour);
  out += fmt::format("{} node{}: {} up, {} down", reply.summary.total, reply.summary.total == 1 ? "" : "s",
                     reply.summary.up, reply.summary.down);
  if (reply.summary.maintenance.value_or(0) > 0) out += fmt::format(", {} in maintenance", *reply.summary.maintenance);
  out += "\n";
  if (reply.notice) out += "note: " + printable(*reply.notice) + "\n";
  return out;
}

std::string status_json(const protocol::StatusReply& reply) {
  using nlohmann::json;
  json nodes = json::array();
  for (const auto& n : reply.nodes) {
    json node = {{"name", n.name},
                 {"state", n.state == protocol::NodeState::up ? "up" : "down"},
                 {"since", format_rfc3339(from_unix_ms(n.since_ms))},
                 {"last_seen", n.last_seen_ms == 0 ? json(nullptr) : json(format_rfc3339(from_unix_ms(n.last_seen_ms)))}};
    node["hostname"] = n.hostname ? json(*n.hostname) : json(nullptr);
    node["agent_version"] = n.agent_version ? json(*n.agent_version) : json(nullptr);
    node["uptime_seconds"] = n.uptime_ms ? json(static_cast<double>(*n.uptime_ms) / 1000.0) : json(nullptr);
    node["load"] = n.load ? json(*n.load) : json(nullptr);
    node["mem_total_bytes"] = n.mem_total_bytes ? json(*n.mem_total_bytes) : json(nullptr);
    node["mem_available_bytes"] = n.mem_available_bytes ? json(*n.mem_available_bytes) : json(nullptr);
    node["directory_revision"] = n.directory_revision ? json(*n.directory_revision) : json(nullptr);
    node["directory_error"] = n.directory_error ? json(*n.directory_error) : json(nullptr);
    node["maintenance"] = n.maintenance ? maintenance_object(*n.maintenance) : json(nullptr);
    if (n.health) {
      json findings = json::array();
      for (const auto& f : n.health->findings) {
        findings.push_back({{"check", f.check},
                            {"level", protocol::EnumNames<protocol::Verdict>::names[static_cast<std::size_t>(f.level)]},
                            {"message", f.message}});
      }
      node["health"] = {{"verdict", protocol::EnumNames<protocol::Verdict>::names[static_cast<std::size_t>(n.health->verdict)]},
                        {"findings", std::move(findings)}};
    } else {
      node["health"] = nullptr;
    }
    nodes.push_back(std::move(node));
  }
  json doc = {{"nodes", std::move(nodes)},
              {"summary",
               {{"up", reply.summary.up},
                {"down", reply.summary.down},
                {"total", reply.summary.total},
                {"maintenance", reply.summary.maintenance ? json(*reply.summary.maintenance) : json(nullptr)}}}};
  if (reply.notice) doc["notice"] = *reply.notice;
  // Replace invalid UTF-8 (a hostile hostname) rather than throw.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace herd::cli
