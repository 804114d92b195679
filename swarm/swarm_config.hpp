#pragma once
// herd-swarm's configuration: like an agent's, but with a directory of
// pre-generated keys (swarm-00001.key ...) instead of one key.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace herd::swarm {

struct SwarmConfig {
  std::string controller_endpoint;
  std::string publish_endpoint;
  std::string controller_public_key;
  std::string keys_dir;  // NAME.key files made by `herd-swarm keys`
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds reconnect_min{1000};
  std::chrono::milliseconds reconnect_max{30000};
  int64_t io_threads = 1;
  // Full reports: every report_interval, each with `fake_users` users
  // (uids 20001...) who have quota on a shared filesystem and on the node's
  // own, a slice and a user unit. 0 users: health only.
  std::chrono::milliseconds report_interval{10000};
  int64_t fake_users = 0;
  std::string log_level = "info";
};

[[nodiscard]] Result<SwarmConfig> load_swarm_config(const std::string& path);

}  // namespace herd::swarm
