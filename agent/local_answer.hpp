#pragma once
// What an agent answers by itself, from its own node's data, when the
// controller cannot be reached (pure: a query frame in, a reply frame out).
// Every answer carries a notice saying the cluster view is unavailable.

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"
#include "reports/user_selection.hpp"

namespace herd::agent {

struct OwnNode {
  protocol::NodeStatus status;
  const protocol::NodeReport* report = nullptr;  // latest, if any
};

// `query` has been decoded already (its envelope is valid).
[[nodiscard]] std::string local_answer(const protocol::Frame& query, const reports::Caller& caller,
                                       const OwnNode& node, std::string_view notice,
                                       const protocol::Envelope& reply_envelope);

// Whether a message type is one a local user may send to the agent socket.
[[nodiscard]] bool is_user_query(std::string_view type);

}  // namespace herd::agent
