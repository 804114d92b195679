#pragma once
// `herd directory apply|diff|status` output (pure; docs/cli.md).

#include <string>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::cli {

// What a file changes (or, invalid, every problem in it).
[[nodiscard]] std::string change_text(const protocol::DirectoryChange& change, bool applied);
[[nodiscard]] std::string change_json(const protocol::DirectoryChange& change);

[[nodiscard]] std::string directory_status_table(const protocol::DirectoryStatusReply& reply, WallTime now, bool colour);
[[nodiscard]] std::string directory_status_json(const protocol::DirectoryStatusReply& reply);

}  // namespace herd::cli
