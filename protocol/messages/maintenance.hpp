#pragma once
// Maintenance (SPEC §7): an admin marks nodes as being worked on, with a
// reason and optionally an end. The controller keeps it durably, shows it
// in every node's status, ends it by itself at `until_ms`, and records
// every change as an event with who and why.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/channel.hpp"
#include "protocol/codec.hpp"

namespace herd::protocol {

inline constexpr std::size_t kMaxMaintenanceReason = 1024;

struct Maintenance {
  static constexpr std::string_view kName = "Maintenance";

  std::string reason;
  std::string by;
  int64_t since_ms = 0;
  std::optional<int64_t> until_ms;

  friend bool operator==(const Maintenance&, const Maintenance&) = default;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("reason", self.reason, "Why, as the admin gave it.", Bounds{kMaxMaintenanceReason});
    v("by", self.by, "Who set it: `uid 0 (root)`, as in the controller's log.", Bounds{255});
    v("since_ms", self.since_ms, "When it was set (last changed), ms since the Unix epoch.");
    v("until_ms", self.until_ms, "When the controller ends it by itself; absent: until switched off.");
  }
};

struct MaintenanceSet {
  static constexpr std::string_view kName = "maintenance_set";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Switches maintenance on or off for the named nodes, or for all. Head node's query socket only, root or "
      "the admin group only. All or nothing: an unknown node, a missing reason or an `until_ms` not in the "
      "future changes nothing and is answered with `error` `bad_request`. Answered with `maintenance_reply`.";

  bool on = false;
  std::vector<std::string> nodes;
  bool all = false;
  std::optional<std::string> reason;
  std::optional<int64_t> until_ms;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("on", self.on, "true: start (or change) maintenance; false: end it.");
    v("nodes", self.nodes, "The nodes; must be empty when `all` is set, else not empty.", Bounds{100'000});
    v("all", self.all, "Every node the controller knows (on), or every node in maintenance (off).");
    v("reason", self.reason, "Why; required when `on`, recorded in the event when off. One line.",
      Bounds{kMaxMaintenanceReason});
    v("until_ms", self.until_ms, "Only with `on`: end it by itself at this time, ms since the Unix epoch.");
  }
};

enum class MaintenanceChange : uint8_t { started, updated, ended, unchanged };
template <>
struct EnumNames<MaintenanceChange> {
  static constexpr std::array<std::string_view, 4> names{"started", "updated", "ended", "unchanged"};
};

struct MaintenanceResult {
  static constexpr std::string_view kName = "MaintenanceResult";

  std::string node;
  MaintenanceChange change = MaintenanceChange::unchanged;
  std::optional<Maintenance> maintenance;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node, "The node.", Bounds{255});
    v("change", self.change,
      "`started`, `updated` (reason or end changed), `ended`, or `unchanged` (already so; no event).");
    v("maintenance", self.maintenance, "The node's maintenance now; absent when it is not in maintenance.");
  }
};

struct MaintenanceReply {
  static constexpr std::string_view kName = "maintenance_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `maintenance_set`: what happened to each node, sorted by name.";

  std::vector<MaintenanceResult> nodes;

  template <class Self, class V>
  static void fields(Self& self, V& v) { v("nodes", self.nodes, "One entry per node asked for."); }
};

}  // namespace herd::protocol
