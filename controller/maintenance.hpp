#pragma once
// Maintenance as pure logic: checking a `maintenance_set` request against
// the node table, the transitions of one node
//
//   (none) --on--> in maintenance --on (other reason/until)--> in maintenance
//        <--off / until reached--
//
// the events each transition writes, and when the next one expires. The
// controller (maintenance_channel.cpp) stores the outcome and applies it;
// everything here is tested without sockets, clocks or SQLite.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "controller/event_record.hpp"
#include "controller/node_table.hpp"
#include "protocol/messages.hpp"

namespace herd::controller {

using protocol::Maintenance;
using protocol::MaintenanceChange;

// What one node goes through.
struct MaintenanceStep {
  std::string node;
  MaintenanceChange change = MaintenanceChange::unchanged;
  std::optional<Maintenance> before;
  std::optional<Maintenance> after;
};

// Who the controller itself is when it ends an expired maintenance.
inline constexpr std::string_view kControllerActor = "controller";

// Node `current` switched on by `by` at `now`: started, or updated when the
// reason or the end differ (since keeps the original start), or unchanged.
[[nodiscard]] MaintenanceStep maintenance_on(std::string node, const std::optional<Maintenance>& current,
                                             std::string reason, std::string by, WallTime now,
                                             std::optional<WallTime> until);
// Switched off: ended, or unchanged when it was not in maintenance.
[[nodiscard]] MaintenanceStep maintenance_off(std::string node, const std::optional<Maintenance>& current);

// Checks a request against the known nodes and computes every node's step.
// All or nothing: any problem is an error naming it and no step is returned.
[[nodiscard]] Result<std::vector<MaintenanceStep>> plan_maintenance(const protocol::MaintenanceSet& request,
                                                                    const NodeTable& table, std::string_view by,
                                                                    WallTime now);

// The event a step writes; none for `unchanged`. `off_reason` is what the
// admin gave when switching off.
[[nodiscard]] std::optional<EventRecord> maintenance_event(const MaintenanceStep& step, std::string_view by,
                                                           const std::optional<std::string>& off_reason,
                                                           WallTime now);

// Expiry: a maintenance with an end at or before `now` is over.
[[nodiscard]] bool maintenance_expired(const Maintenance& m, WallTime now);
// The steps that end every expired maintenance in the table.
[[nodiscard]] std::vector<MaintenanceStep> expired_maintenance(const NodeTable& table, WallTime now);
// Its event: "maintenance ended: expired", by the controller.
[[nodiscard]] EventRecord expiry_event(const MaintenanceStep& step, WallTime now);
// How long the expiry timer should wait: until the earliest end, but at most
// `cap` (the timer runs on monotonic time; if the wall clock is stepped, the
// next check comes within `cap`). None when nothing has an end.
[[nodiscard]] std::optional<std::chrono::milliseconds> expiry_delay(const NodeTable& table, WallTime now,
                                                                    std::chrono::milliseconds cap);

[[nodiscard]] protocol::MaintenanceReply maintenance_reply(const std::vector<MaintenanceStep>& steps);

}  // namespace herd::controller
