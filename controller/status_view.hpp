#pragma once
// Turns the node table into the answer to a status query (pure).

#include "controller/node_table.hpp"
#include "protocol/messages.hpp"

namespace herd::controller {

[[nodiscard]] protocol::StatusReply make_status_reply(const NodeTable& table, const protocol::StatusQuery& query,
                                                      uint64_t epoch);

}  // namespace herd::controller
