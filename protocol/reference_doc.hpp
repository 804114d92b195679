#pragma once
// Generates the message reference of docs/protocol.md from the field lists,
// so the document cannot drift from the code (a test compares them).

#include <string>

namespace herd::protocol {

[[nodiscard]] std::string message_reference_markdown();

}  // namespace herd::protocol
