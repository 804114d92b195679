#pragma once
// `herd maintenance on|off`: what happened to each node, as text or JSON,
// and the maintenance of a node as `herd status` and `herd node show`
// print it (pure).

#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::cli {

// One line per node: "node01: maintenance started (kernel update, until ...)".
[[nodiscard]] std::string maintenance_text(const protocol::MaintenanceReply& reply);
// {"nodes": [{"node", "change", "maintenance": {reason, by, since, until} | null}]}
[[nodiscard]] std::string maintenance_json(const protocol::MaintenanceReply& reply);

// {"reason", "by", "since", "until"} with RFC 3339 times (until null when
// open-ended): the form status and events JSON share.
[[nodiscard]] nlohmann::json maintenance_object(const protocol::Maintenance& m);
// "kernel update (by uid 0 (root), 1h02m ago, ends in 58m)"
[[nodiscard]] std::string maintenance_summary(const protocol::Maintenance& m, WallTime now);

}  // namespace herd::cli
