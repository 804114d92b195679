#pragma once
// herd-agent's configuration (TOML). examples/agent.toml shows every key
// with its default; docs/operations.md and docs/collectors.md say what each
// does.

#include <chrono>
#include <string>

#include "collectors/config.hpp"
#include "collectors/health_checks.hpp"
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
  // Reports: collected every collect_interval, sent at once when the state
  // changed, and at least every report_interval.
  std::chrono::milliseconds collect_interval{5000};
  std::chrono::milliseconds report_interval{10000};
  // The node-local query socket for users' herd commands.
  std::string local_socket = "ipc:///run/herd/agent.sock";
  std::chrono::milliseconds query_timeout{2000};
  std::string admin_group = "herd-admin";
  // The directory: applied into directory_root (a sandbox in demos and
  // tests); manage_directory = false leaves users and groups alone.
  bool manage_directory = true;
  std::string directory_root = "/";
  std::string log_level = "info";
  collectors::CollectorsConfig collectors = collectors::default_collectors_config();
  collectors::HealthChecks checks;
};

[[nodiscard]] Result<AgentConfig> load_agent_config(const std::string& path);

}  // namespace herd::agent
