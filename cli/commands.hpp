#pragma once
// One function per CLI command; each returns the process exit status and
// writes its output and errors itself. main.cpp only parses arguments.

#include <optional>
#include <string>
#include <vector>

#include "cli/config.hpp"
#include "cli/maintenance_args.hpp"

namespace herd::cli {

struct StatusOptions {
  std::vector<std::string> nodes;
  bool json = false;
};
int run_status(const CliConfig& config, const StatusOptions& options);

struct EventsOptions {
  std::optional<std::string> node;
  std::optional<std::string> since;  // RFC 3339 time, or a duration meaning "that long ago"
  uint32_t limit = 1000;
  bool json = false;
};
int run_events(const CliConfig& config, const EventsOptions& options);

struct NodeShowOptions {
  std::string node;
  bool json = false;
};
int run_node_show(const CliConfig& config, const NodeShowOptions& options);

struct QuotaListOptions {
  std::optional<std::string> user;
  bool all_users = false;
  bool json = false;
};
int run_quota_list(const CliConfig& config, const QuotaListOptions& options);

struct DaemonStatusOptions {
  std::optional<std::string> user;
  std::optional<std::string> node;
  bool all_users = false;
  bool json = false;
};
int run_daemon_status(const CliConfig& config, const DaemonStatusOptions& options);

struct DirectoryFileOptions {
  std::string file;
  bool json = false;
};
int run_directory_apply(const CliConfig& config, const DirectoryFileOptions& options);
int run_directory_diff(const CliConfig& config, const DirectoryFileOptions& options);
int run_directory_status(const CliConfig& config, bool json);

// herd maintenance on|off: admins only, on the head node. Bad arguments, an
// unknown node or a time in the past: exit status 2, nothing changed.
int run_maintenance(const CliConfig& config, const MaintenanceOptions& options);

struct KeysGenOptions {
  std::string out;  // DIR/NAME
  bool force = false;
};
int run_keys_gen(const KeysGenOptions& options);

// `herd keys list|accept|reject|revoke` (admins, on the head node).
int run_keys_list(const CliConfig& config, bool json);
struct KeyDecisionOptions {
  std::string action;  // accept, reject, revoke
  std::string node;
  std::optional<std::string> key;  // fingerprint of the pending key meant
};
int run_key_decision(const CliConfig& config, const KeyDecisionOptions& options);

}  // namespace herd::cli
