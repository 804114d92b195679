#include "controller/status_view.hpp"

#include <algorithm>

namespace herd::controller {

protocol::NodeStatus node_status(const NodeInfo& n, const DirectoryState* directory) {
  protocol::NodeStatus s;
  s.name = n.name;
  s.state = n.state;
  s.since_ms = to_unix_ms(n.since);
  s.last_seen_ms = to_unix_ms(n.last_seen);
  if (n.hello) {
    s.hostname = n.hello->hostname;
    s.agent_version = n.hello->agent_version;
  }
  if (n.heartbeat) {
    s.uptime_ms = n.heartbeat->uptime_ms;
    s.load = n.heartbeat->load;
    s.mem_total_bytes = n.heartbeat->mem_total_bytes;
    s.mem_available_bytes = n.heartbeat->mem_available_bytes;
  }
  if (n.report) {
    s.health = n.report->verdict;
    s.report_ms = n.report->collected_ms;
  }
  s.maintenance = n.maintenance;
  if (directory != nullptr) {
    if (const NodeDirectoryResult* r = directory->result_of(n.name)) {
      s.directory_revision = r->applied_revision;
      if (!r->result.applied && !r->result.errors.empty()) s.directory_error = r->result.errors.front();
    }
  }
  return s;
}

protocol::StatusReply make_status_reply(const NodeTable& table, const protocol::StatusQuery& query, uint64_t epoch,
                                        const DirectoryState* directory) {
  protocol::StatusReply reply;
  reply.epoch = epoch;
  if (query.nodes) {
    std::vector<std::string> wanted = *query.nodes;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    for (const auto& name : wanted) {
      if (const NodeInfo* n = table.find(name)) reply.nodes.push_back(node_status(*n, directory));
    }
  } else {
    reply.nodes.reserve(table.nodes().size());
    for (const auto& [name, n] : table.nodes()) reply.nodes.push_back(node_status(n, directory));
  }
  reply.summary.up = static_cast<uint32_t>(table.count(NodeState::up));
  reply.summary.down = static_cast<uint32_t>(table.count(NodeState::down));
  reply.summary.total = static_cast<uint32_t>(table.nodes().size());
  reply.summary.maintenance = static_cast<uint32_t>(table.count_in_maintenance());
  return reply;
}

}  // namespace herd::controller
