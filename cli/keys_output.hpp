#pragma once
// `herd keys list|accept|reject|revoke` output (pure; docs/cli.md).

#include <string>

#include "protocol/messages.hpp"

namespace herd::cli {

[[nodiscard]] std::string keys_list_table(const protocol::KeysListReply& reply, bool colour);
// The reply as on the wire (docs/protocol.md, `keys_list_reply`).
[[nodiscard]] std::string keys_list_json(const protocol::KeysListReply& reply);
[[nodiscard]] std::string key_decision_text(const protocol::KeyDecisionReply& reply);

}  // namespace herd::cli
