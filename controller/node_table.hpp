#pragma once
// What the controller knows of every node, and the liveness lifecycle:
//
//   (new) --message--> up --silence for down_after--> down --message--> up
//
// Pure logic on injected times: the event loop passes the monotonic time
// (for timeouts) and the wall time (for what people see) of each event.

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::controller {

using protocol::NodeState;

struct NodeInfo {
  std::string name;
  NodeState state = NodeState::down;
  WallTime since{};
  WallTime last_seen{};  // epoch 0: never
  // Everything below is known only from messages since this controller started.
  std::optional<MonoTime> last_heard;
  std::optional<MonoTime> probed;  // when a late node's connection was last checked
  std::optional<protocol::Hello> hello;
  std::optional<protocol::Heartbeat> heartbeat;
  std::optional<protocol::NodeReport> report;
  // Set while the node is in maintenance (herd maintenance on); kept in the
  // store's maintenance table and restored at start. What `herd status`,
  // the console and /metrics (herd_node_maintenance) show.
  std::optional<protocol::Maintenance> maintenance;
};

struct Transition {
  std::string node;
  NodeState to = NodeState::down;
  WallTime at{};
  std::string reason;
};

// A node as the store remembers it.
struct PersistedNode {
  std::string name;
  NodeState state = NodeState::down;
  WallTime since{};
  WallTime last_seen{};
  std::string hostname;
  std::string agent_version;
};

class NodeTable {
 public:
  explicit NodeTable(std::chrono::milliseconds down_after) : down_after_(down_after) {}

  // Loads the nodes a previous controller knew. They are shown down until
  // they are heard from; each that was up gets a transition to down, dated
  // `now`, so the event log stays a true account of what was shown.
  std::vector<Transition> restore(const std::vector<PersistedNode>& nodes, WallTime now);

  // Any authenticated message from a node. Returns the transition to up if
  // the node was down or new.
  std::optional<Transition> heard_from(const std::string& name, MonoTime mono, WallTime wall);
  void record_hello(const std::string& name, const protocol::Hello& hello);
  void record_heartbeat(const std::string& name, const protocol::Heartbeat& heartbeat);
  void record_report(const std::string& name, protocol::NodeReport report);

  // Nodes silent for down_after go down.
  std::vector<Transition> sweep(MonoTime mono, WallTime wall);

  // Up nodes whose heartbeat is overdue by half an interval and whose
  // connection was not checked since: the controller checks whether libzmq
  // still has their connection. Each is returned once per half interval.
  [[nodiscard]] std::vector<std::string> overdue(MonoTime mono);
  // The connection of an up node is gone (its agent died, its host closed
  // it): down now rather than after down_after.
  std::optional<Transition> connection_closed(const std::string& name, WallTime wall);

  // Puts a known node in maintenance (or out of it, with nullopt); false if
  // no node has that name.
  bool set_maintenance(const std::string& name, std::optional<protocol::Maintenance> maintenance);
  [[nodiscard]] std::size_t count_in_maintenance() const;

  [[nodiscard]] const NodeInfo* find(const std::string& name) const;
  [[nodiscard]] const std::map<std::string, NodeInfo>& nodes() const { return nodes_; }
  [[nodiscard]] std::size_t count(NodeState state) const;

 private:
  std::chrono::milliseconds down_after_;
  std::map<std::string, NodeInfo> nodes_;  // sorted by name: status lists come out in order
};

[[nodiscard]] PersistedNode to_persisted(const NodeInfo& node);

}  // namespace herd::controller
