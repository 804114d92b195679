#pragma once
// herd-controller's configuration (TOML). examples/controller.toml shows
// every key with its default; docs/operations.md says what each does.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace herd::controller {

struct ControllerConfig {
  std::string agent_endpoint = "tcp://*:7701";
  std::string publish_endpoint = "tcp://*:7702";
  std::string query_socket = "ipc:///run/herd/controller.sock";
  std::string key = "/etc/herd/controller.key";
  std::string keys_dir = "/etc/herd/nodes";
  std::string state_db = "/var/lib/herd/controller.db";
  std::chrono::milliseconds down_after{3000};
  std::chrono::milliseconds tick_interval{1000};
  int64_t io_threads = 1;
  // Members of this group (and root) may see every user's data and, on the
  // head node's query socket, run admin commands. Empty: root only.
  std::string admin_group = "herd-admin";
  // A directory file to apply whenever it changes (empty: only
  // `herd directory apply`), checked every directory_watch_interval.
  std::string directory_file;
  std::chrono::milliseconds directory_watch_interval{5000};
  // "off": keys not in keys_dir are refused. "pending": they wait as pending
  // for `herd keys accept NODE` (SPEC §4).
  std::string enrolment = "off";
  std::string log_level = "info";
  // HOST:PORT of the Prometheus /metrics endpoint; empty: no HTTP server.
  // Loopback by default: the metrics name every node and user.
  std::string metrics_listen = "127.0.0.1:9477";
};

[[nodiscard]] Result<ControllerConfig> load_controller_config(const std::string& path);

}  // namespace herd::controller
