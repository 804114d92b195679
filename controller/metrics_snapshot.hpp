#pragma once
// What /metrics shows of the node table and the directory (pure): the
// controller copies its state into a MetricsSnapshot on its event loop and
// renders it there (controller/metrics_text.hpp). The controller's own
// counters, version and start time are filled in by the controller.

#include "controller/directory_state.hpp"
#include "controller/metrics_text.hpp"
#include "controller/node_table.hpp"

namespace herd::controller {

[[nodiscard]] MetricsSnapshot make_metrics_snapshot(const NodeTable& table, const DirectoryState& directory);

}  // namespace herd::controller
