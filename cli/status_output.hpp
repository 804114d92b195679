#pragma once
// `herd status`: the table for people and the JSON for scripts (pure: the
// reply and the current time in, text out).

#include <string>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::cli {

[[nodiscard]] std::string status_table(const protocol::StatusReply& reply, WallTime now, bool colour);

// {"nodes": [{"name", "state", "since", "last_seen", ...}], "summary": {"up", "down", "total"}}
// documented in docs/cli.md.
[[nodiscard]] std::string status_json(const protocol::StatusReply& reply);

}  // namespace herd::cli
