#pragma once
// herd-agent's configuration (TOML). examples/agent.toml shows every key
// with its default; docs/operations.md says what each does.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace herd::agent {

struct AgentConfig {
  std::string controller_endpoint;  // required, e.g. "tcp://head:7701"
  std::string publish_endpoint;     // required, e.g. "tcp://head:7702"
  std::string controller_public_key = "/etc/herd/controller.pub";
  std::string key = "/etc/herd/node.key";
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds reconnect_min{1000};
  std::chrono::milliseconds reconnect_max{30000};
  std::string log_level = "info";
};

[[nodiscard]] Result<AgentConfig> load_agent_config(const std::string& path);

}  // namespace herd::agent
