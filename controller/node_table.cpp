#include "controller/node_table.hpp"

#include "common/duration.hpp"

namespace herd::controller {

std::vector<Transition> NodeTable::restore(const std::vector<PersistedNode>& nodes, WallTime now) {
  std::vector<Transition> transitions;
  for (const PersistedNode& p : nodes) {
    NodeInfo& n = nodes_[p.name];
    n.name = p.name;
    n.last_seen = p.last_seen;
    if (p.state == NodeState::up) {
      n.state = NodeState::down;
      n.since = now;
      transitions.push_back({p.name, NodeState::down, now, "controller restarted; not heard from since"});
    } else {
      n.state = p.state;
      n.since = p.since;
    }
    if (!p.hostname.empty() || !p.agent_version.empty()) {
      protocol::Hello hello;
      hello.hostname = p.hostname;
      hello.agent_version = p.agent_version;
      n.hello = hello;
    }
  }
  return transitions;
}

std::optional<Transition> NodeTable::heard_from(const std::string& name, MonoTime mono, WallTime wall) {
  auto [it, inserted] = nodes_.try_emplace(name);
  NodeInfo& n = it->second;
  n.last_heard = mono;
  n.last_seen = wall;
  n.probed.reset();
  if (!inserted && n.state == NodeState::up) return std::nullopt;
  n.name = name;
  n.state = NodeState::up;
  n.since = wall;
  return Transition{name, NodeState::up, wall, inserted ? "first contact" : "heard from again"};
}

void NodeTable::record_hello(const std::string& name, const protocol::Hello& hello) {
  if (auto it = nodes_.find(name); it != nodes_.end()) it->second.hello = hello;
}

void NodeTable::record_heartbeat(const std::string& name, const protocol::Heartbeat& heartbeat) {
  if (auto it = nodes_.find(name); it != nodes_.end()) it->second.heartbeat = heartbeat;
}

void NodeTable::record_report(const std::string& name, protocol::NodeReport report) {
  if (auto it = nodes_.find(name); it != nodes_.end()) it->second.report = std::move(report);
}

namespace {
std::chrono::milliseconds heartbeat_interval(const NodeInfo& n) {
  const uint64_t ms = n.hello && n.hello->heartbeat_interval_ms > 0 ? n.hello->heartbeat_interval_ms : 1000;
  return std::chrono::milliseconds{static_cast<int64_t>(std::min<uint64_t>(ms, 3'600'000))};
}
}  // namespace

std::vector<std::string> NodeTable::overdue(MonoTime mono) {
  std::vector<std::string> late;
  for (auto& [name, n] : nodes_) {
    if (n.state != NodeState::up || !n.last_heard) continue;
    const auto half = heartbeat_interval(n) / 2;
    if (mono - *n.last_heard < heartbeat_interval(n) + half) continue;
    if (n.probed && mono - *n.probed < half) continue;
    n.probed = mono;
    late.push_back(name);
  }
  return late;
}

std::optional<Transition> NodeTable::connection_closed(const std::string& name, WallTime wall) {
  auto it = nodes_.find(name);
  if (it == nodes_.end() || it->second.state != NodeState::up) return std::nullopt;
  it->second.state = NodeState::down;
  it->second.since = wall;
  return Transition{name, NodeState::down, wall, "connection closed"};
}

std::vector<Transition> NodeTable::sweep(MonoTime mono, WallTime wall) {
  std::vector<Transition> transitions;
  for (auto& [name, n] : nodes_) {
    if (n.state != NodeState::up || !n.last_heard) continue;
    const auto silence = std::chrono::duration_cast<std::chrono::milliseconds>(mono - *n.last_heard);
    if (silence < down_after_) continue;
    n.state = NodeState::down;
    n.since = wall;
    transitions.push_back({name, NodeState::down, wall, fmt::format("no message for {}", format_duration(silence))});
  }
  return transitions;
}

bool NodeTable::set_maintenance(const std::string& name, std::optional<protocol::Maintenance> maintenance) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return false;
  it->second.maintenance = std::move(maintenance);
  return true;
}

std::size_t NodeTable::count_in_maintenance() const {
  std::size_t n = 0;
  for (const auto& [name, node] : nodes_) {
    if (node.maintenance) ++n;
  }
  return n;
}

const NodeInfo* NodeTable::find(const std::string& name) const {
  const auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::size_t NodeTable::count(NodeState state) const {
  std::size_t n = 0;
  for (const auto& [name, node] : nodes_) n += node.state == state ? 1 : 0;
  return n;
}

PersistedNode to_persisted(const NodeInfo& node) {
  PersistedNode p{node.name, node.state, node.since, node.last_seen, {}, {}};
  if (node.hello) {
    p.hostname = node.hello->hostname;
    p.agent_version = node.hello->agent_version;
  }
  return p;
}

}  // namespace herd::controller
