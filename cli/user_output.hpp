#pragma once
// `herd quota list`, `herd daemon status` and `herd node show`: tables for
// people and JSON for scripts (pure; documented in docs/cli.md).

#include <functional>
#include <string>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::cli {

using UserNames = std::function<std::string(uint32_t)>;

[[nodiscard]] std::string quota_table(const protocol::QuotaReply& reply, const UserNames& names, bool colour);
[[nodiscard]] std::string quota_json(const protocol::QuotaReply& reply, const UserNames& names);

[[nodiscard]] std::string daemon_table(const protocol::DaemonReply& reply, const UserNames& names, WallTime now,
                                       bool colour);
[[nodiscard]] std::string daemon_json(const protocol::DaemonReply& reply, const UserNames& names);

[[nodiscard]] std::string node_text(const protocol::NodeReply& reply, const UserNames& names, WallTime now,
                                    bool colour);
[[nodiscard]] std::string node_json(const protocol::NodeReply& reply);

}  // namespace herd::cli
