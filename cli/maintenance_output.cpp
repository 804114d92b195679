#include "cli/maintenance_output.hpp"

#include "cli/table.hpp"
#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli {
namespace {

std::string_view change_name(protocol::MaintenanceChange c) {
  return protocol::EnumNames<protocol::MaintenanceChange>::names[static_cast<std::size_t>(c)];
}

}  // namespace

std::string maintenance_text(const protocol::MaintenanceReply& reply) {
  if (reply.nodes.empty()) return "no node changed\n";
  std::string out;
  for (const auto& n : reply.nodes) {
    std::string what;
    switch (n.change) {
      case protocol::MaintenanceChange::started: what = "maintenance started"; break;
      case protocol::MaintenanceChange::updated: what = "maintenance changed"; break;
      case protocol::MaintenanceChange::ended: what = "maintenance ended"; break;
      case protocol::MaintenanceChange::unchanged:
        what = n.maintenance ? "already in maintenance, unchanged" : "was not in maintenance";
        break;
    }
    if (n.maintenance) {
      what += " (" + printable(n.maintenance->reason);
      if (n.maintenance->until_ms) what += ", until " + format_rfc3339(from_unix_ms(*n.maintenance->until_ms));
      what += ")";
    }
    out += printable(n.node) + ": " + what + "\n";
  }
  return out;
}

nlohmann::json maintenance_object(const protocol::Maintenance& m) {
  using nlohmann::json;
  return {{"reason", m.reason},
          {"by", m.by},
          {"since", format_rfc3339(from_unix_ms(m.since_ms))},
          {"until", m.until_ms ? json(format_rfc3339(from_unix_ms(*m.until_ms))) : json(nullptr)}};
}

std::string maintenance_json(const protocol::MaintenanceReply& reply) {
  using nlohmann::json;
  json nodes = json::array();
  for (const auto& n : reply.nodes) {
    nodes.push_back({{"node", n.node},
                     {"change", change_name(n.change)},
                     {"maintenance", n.maintenance ? maintenance_object(*n.maintenance) : json(nullptr)}});
  }
  return json{{"nodes", std::move(nodes)}}.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string maintenance_summary(const protocol::Maintenance& m, WallTime now) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  std::string out = printable(m.reason) + " (by " + printable(m.by) + ", " +
                    format_duration(duration_cast<milliseconds>(now - from_unix_ms(m.since_ms))) + " ago";
  if (m.until_ms) {
    const auto left = duration_cast<milliseconds>(from_unix_ms(*m.until_ms) - now);
    out += left.count() > 0 ? ", ends in " + format_duration(left) : ", ending now";
  }
  return out + ")";
}

}  // namespace herd::cli
