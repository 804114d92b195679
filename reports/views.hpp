#pragma once
// Cluster-wide answers built from the nodes' latest reports (pure). The
// controller runs them over every node; an agent that cannot reach the
// controller runs them over its own report alone.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocol/messages.hpp"
#include "reports/user_selection.hpp"

namespace herd::reports {

struct NodeReportRef {
  std::string_view node;
  const protocol::NodeReport* report;
};

// Quota and slice rows of the selected users. A filesystem marked shared is
// counted once for the cluster: rows with the same filesystem identity and
// uid from different nodes collapse into one (from the newest report), with
// no node named. Sorted by uid, filesystem path, node.
[[nodiscard]] protocol::QuotaReply quota_view(std::span<const NodeReportRef> reports, const UserSelection& users);

// User units of the selected users, optionally of one node. Sorted by uid,
// node, unit name.
[[nodiscard]] protocol::DaemonReply daemon_view(std::span<const NodeReportRef> reports, const UserSelection& users,
                                                const std::optional<std::string>& node);

// The report with the per-user rows of users outside the selection removed.
[[nodiscard]] protocol::NodeReport filter_report(const protocol::NodeReport& report, const UserSelection& users);

}  // namespace herd::reports
