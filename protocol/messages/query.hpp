#pragma once
// Queries from clients (the herd CLI, the console, scripts) and the
// controller's replies. Every query gets exactly one reply: the matching
// `*_reply` or `error`.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/channel.hpp"
#include "protocol/codec.hpp"
#include "protocol/messages/maintenance.hpp"
#include "protocol/report_model.hpp"

namespace herd::protocol {

enum class NodeState : uint8_t { up, down };
template <>
struct EnumNames<NodeState> {
  static constexpr std::array<std::string_view, 2> names{"up", "down"};
};

struct NodeStatus {
  static constexpr std::string_view kName = "NodeStatus";

  std::string name;
  NodeState state = NodeState::down;
  int64_t since_ms = 0;
  int64_t last_seen_ms = 0;
  std::optional<std::string> hostname;
  std::optional<std::string> agent_version;
  std::optional<uint64_t> uptime_ms;
  std::optional<std::array<double, 3>> load;
  std::optional<uint64_t> mem_total_bytes;
  std::optional<uint64_t> mem_available_bytes;
  std::optional<HealthVerdict> health;
  std::optional<int64_t> report_ms;
  std::optional<uint64_t> directory_revision;
  std::optional<std::string> directory_error;
  std::optional<Maintenance> maintenance;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("name", self.name, "Node name (from its enrolled key).", Bounds{255});
    v("state", self.state, "Liveness as the controller sees it.");
    v("since_ms", self.since_ms, "When the node entered this state, ms since the Unix epoch.");
    v("last_seen_ms", self.last_seen_ms, "Last message from the node, ms since the Unix epoch (0: never).");
    v("hostname", self.hostname, "From the node's last `hello`.", Bounds{255});
    v("agent_version", self.agent_version, "From the node's last `hello`.", Bounds{64});
    v("uptime_ms", self.uptime_ms, "From the last heartbeat since the controller started.");
    v("load", self.load, "From the last heartbeat: 1, 5, 15 minute load averages.");
    v("mem_total_bytes", self.mem_total_bytes, "From the last heartbeat.");
    v("mem_available_bytes", self.mem_available_bytes, "From the last heartbeat.");
    v("health", self.health, "Verdict and failed checks of the node's latest report.");
    v("report_ms", self.report_ms, "When that report was collected.");
    v("directory_revision", self.directory_revision, "The last directory revision the node applied.");
    v("directory_error", self.directory_error, "Why its last directory apply was refused, if it was.", Bounds{4096});
    v("maintenance", self.maintenance, "Set while the node is in maintenance (`herd maintenance on`).");
  }
};

struct StatusSummary {
  static constexpr std::string_view kName = "StatusSummary";
  uint32_t up = 0;
  uint32_t down = 0;
  uint32_t total = 0;
  std::optional<uint32_t> maintenance;
  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("up", self.up, "Nodes up.");
    v("down", self.down, "Nodes down.");
    v("total", self.total, "Nodes known.");
    v("maintenance", self.maintenance, "Nodes in maintenance (up or down).");
  }
};

struct StatusQuery {
  static constexpr std::string_view kName = "status_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc = "Asks for the state of every node, or of the named ones.";

  std::optional<std::vector<std::string>> nodes;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("nodes", self.nodes, "Only these nodes; absent: all.", Bounds{100'000});
  }
};

struct StatusReply {
  static constexpr std::string_view kName = "status_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `status_query`; nodes sorted by name.";

  std::vector<NodeStatus> nodes;
  StatusSummary summary;
  uint64_t epoch = 0;
  std::optional<std::string> notice;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("nodes", self.nodes, "One entry per node.");
    v("summary", self.summary, "Counts over all known nodes (not only the ones asked for).");
    v("epoch", self.epoch, "The controller's epoch.");
    v("notice", self.notice, "Set when the answer is partial, e.g. the controller was unreachable.", Bounds{4096});
  }
};

struct Event {
  static constexpr std::string_view kName = "Event";

  uint64_t id = 0;
  int64_t time_ms = 0;
  std::string node;
  std::string kind;
  std::string detail;
  std::optional<std::string> by;
  std::optional<std::string> reason;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("id", self.id, "Increasing event number.");
    v("time_ms", self.time_ms, "When it happened, ms since the Unix epoch.");
    v("node", self.node, "The node concerned; empty for controller events.", Bounds{255});
    v("kind", self.kind,
      "`node_up`, `node_down`, `directory_revision`, `directory_failed`, `controller_start`, "
      "`controller_stop`, `key_pending`, `key_accepted`, `key_rejected`, `key_revoked`, `maintenance_on`, "
      "`maintenance_off`; clients must accept kinds they do not know.",
      Bounds{64});
    v("detail", self.detail, "Human-readable reason.", Bounds{4096});
    v("by", self.by, "Who caused it, for events an admin caused (`uid 0 (root)`) or `controller` (expiry).",
      Bounds{255});
    v("reason", self.reason, "Why, as the admin gave it (maintenance).", Bounds{1024});
  }
};

struct EventsQuery {
  static constexpr std::string_view kName = "events_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc = "Asks for the event log, newest last.";

  std::optional<std::string> node;
  std::optional<int64_t> since_ms;
  std::optional<uint32_t> limit;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node, "Only events of this node.", Bounds{255});
    v("since_ms", self.since_ms, "Only events at or after this time.");
    v("limit", self.limit, "At most this many (the newest); default 1000, at most 100000.");
  }
};

struct EventsReply {
  static constexpr std::string_view kName = "events_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `events_query`, oldest first.";

  std::vector<Event> events;

  template <class Self, class V>
  static void fields(Self& self, V& v) { v("events", self.events, "The events."); }
};

struct ErrorReply {
  static constexpr std::string_view kName = "error";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to a query that could not be served.";

  std::string code;
  std::string message;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("code", self.code,
      "`bad_request` (malformed or unknown query), `forbidden` (caller may not do this), `not_found`, "
      "`conflict` (the request contradicts the current state), `unavailable`.",
      Bounds{64});
    v("message", self.message, "One line for a human.", Bounds{4096});
  }
};

}  // namespace herd::protocol
