#pragma once
// The complete list of herd's message types. Adding a message means adding
// its struct to a header in messages/ and its name here; the dispatcher, the
// "unknown type" check and docs/protocol.md all follow from this list.

#include <string_view>

#include "protocol/messages/agent.hpp"
#include "protocol/messages/directory.hpp"
#include "protocol/messages/keys.hpp"
#include "protocol/messages/maintenance.hpp"
#include "protocol/messages/query.hpp"
#include "protocol/messages/report.hpp"
#include "protocol/messages/user_query.hpp"

namespace herd::protocol {

template <typename... T>
struct TypeList {};

using AllMessages = TypeList<Hello, Welcome, Heartbeat, Ping, Tick, Report, ProxyQuery, ProxyReply, StatusQuery,
                             StatusReply, NodeQuery, NodeReply, QuotaQuery, QuotaReply, DaemonQuery, DaemonReply,
                             EventsQuery, EventsReply, DirectoryApply, DirectoryDiff, DirectoryChange,
                             DirectoryStatusQuery, DirectoryStatusReply, DirectoryUpdate, DirectorySnapshotRequest,
                             DirectorySnapshot, DirectoryAck, KeysListQuery, KeysListReply, KeyDecision,
                             KeyDecisionReply, MaintenanceSet, MaintenanceReply, ErrorReply>;

template <typename... T>
constexpr bool contains_type(std::string_view name, TypeList<T...>) {
  return ((T::kName == name) || ...);
}

[[nodiscard]] constexpr bool is_known_type(std::string_view name) { return contains_type(name, AllMessages{}); }

}  // namespace herd::protocol
