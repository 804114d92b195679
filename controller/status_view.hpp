#pragma once
// Turns the node table into answers to queries (pure).

#include "controller/directory_state.hpp"
#include "controller/node_table.hpp"
#include "protocol/messages.hpp"

namespace herd::controller {

[[nodiscard]] protocol::NodeStatus node_status(const NodeInfo& node, const DirectoryState* directory = nullptr);

[[nodiscard]] protocol::StatusReply make_status_reply(const NodeTable& table, const protocol::StatusQuery& query,
                                                      uint64_t epoch, const DirectoryState* directory = nullptr);

}  // namespace herd::controller
