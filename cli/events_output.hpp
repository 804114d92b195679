#pragma once
// `herd events`: the event log as a table or JSON (pure).

#include <string>

#include "protocol/messages.hpp"

namespace herd::cli {

[[nodiscard]] std::string events_table(const protocol::EventsReply& reply, bool colour);
// {"events": [{"id", "time", "node", "kind", "detail", "by", "reason"}]}
[[nodiscard]] std::string events_json(const protocol::EventsReply& reply);

}  // namespace herd::cli
