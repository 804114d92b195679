#include "cli/commands.hpp"

#include <algorithm>
#include <cstdio>

#include "bus/curve_keys.hpp"
#include "cli/directory_output.hpp"
#include "cli/events_output.hpp"
#include "cli/exit_codes.hpp"
#include "cli/keys_output.hpp"
#include "cli/maintenance_output.hpp"
#include "cli/query_client.hpp"
#include "cli/status_output.hpp"
#include "cli/table.hpp"
#include "cli/user_output.hpp"
#include "cli/users.hpp"
#include "common/atomic_file.hpp"
#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli {
namespace {

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

template <typename T>
int report_failure(const QueryResult<T>& result) {
  std::fprintf(stderr, "herd: %s\n", result.failure.message.c_str());
  return result.failure.unreachable ? kExitUnreachable : kExitError;
}

// --user NAME|UID; exit status 2 when it names no one.
bool resolve(const std::optional<std::string>& user, std::optional<uint32_t>& uid) {
  if (!user) return true;
  auto resolved = resolve_user(*user);
  if (!resolved) {
    std::fprintf(stderr, "herd: --user: %s\n", resolved.error().message.c_str());
    return false;
  }
  uid = *resolved;
  return true;
}

}  // namespace

int run_status(const CliConfig& config, const StatusOptions& options) {
  protocol::StatusQuery query;
  if (!options.nodes.empty()) query.nodes = options.nodes;
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::StatusReply>(query);
  if (!result.ok()) return report_failure(result);
  if (options.json) {
    print(status_json(*result.reply));
  } else {
    print(status_table(*result.reply, std::chrono::system_clock::now(), stdout_wants_colour()));
  }
  // Asking for a node that does not exist is an error a script should see.
  if (!options.nodes.empty() && result.reply->nodes.size() < options.nodes.size()) {
    for (const auto& wanted : options.nodes) {
      bool found = false;
      for (const auto& n : result.reply->nodes) found = found || n.name == wanted;
      if (!found) std::fprintf(stderr, "herd: no node named \"%s\"\n", printable(wanted).c_str());
    }
    return kExitError;
  }
  return kExitOk;
}

int run_events(const CliConfig& config, const EventsOptions& options) {
  protocol::EventsQuery query;
  query.node = options.node;
  query.limit = options.limit;
  if (options.since) {
    const WallTime now = std::chrono::system_clock::now();
    if (auto ago = parse_duration(*options.since)) {
      query.since_ms = to_unix_ms(now - *ago);
    } else if (auto at = parse_rfc3339(*options.since)) {
      query.since_ms = to_unix_ms(*at);
    } else {
      std::fprintf(stderr, "herd: --since: \"%s\" is neither a time (2026-11-23T08:00Z) nor a duration (2h)\n",
                   printable(*options.since).c_str());
      return kExitUsage;
    }
  }
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::EventsReply>(query);
  if (!result.ok()) return report_failure(result);
  print(options.json ? events_json(*result.reply) : events_table(*result.reply, stdout_wants_colour()));
  return kExitOk;
}

int run_node_show(const CliConfig& config, const NodeShowOptions& options) {
  protocol::NodeQuery query;
  query.node = options.node;
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::NodeReply>(query);
  if (!result.ok()) return report_failure(result);
  print(options.json ? node_json(*result.reply)
                     : node_text(*result.reply, user_name, std::chrono::system_clock::now(), stdout_wants_colour()));
  return kExitOk;
}

int run_quota_list(const CliConfig& config, const QuotaListOptions& options) {
  protocol::QuotaQuery query;
  if (!resolve(options.user, query.uid)) return kExitUsage;
  if (options.all_users) query.all_users = true;
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::QuotaReply>(query);
  if (!result.ok()) return report_failure(result);
  print(options.json ? quota_json(*result.reply, user_name)
                     : quota_table(*result.reply, user_name, stdout_wants_colour()));
  return kExitOk;
}

int run_daemon_status(const CliConfig& config, const DaemonStatusOptions& options) {
  protocol::DaemonQuery query;
  if (!resolve(options.user, query.uid)) return kExitUsage;
  if (options.all_users) query.all_users = true;
  query.node = options.node;
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::DaemonReply>(query);
  if (!result.ok()) return report_failure(result);
  print(options.json ? daemon_json(*result.reply, user_name)
                     : daemon_table(*result.reply, user_name, std::chrono::system_clock::now(), stdout_wants_colour()));
  return kExitOk;
}

namespace {

template <typename Request>
int directory_change(const CliConfig& config, const DirectoryFileOptions& options, bool apply) {
  Request request;
  request.file_name = options.file;
  auto text = read_file(options.file, protocol::kMaxDirectoryText);
  if (!text) {
    std::fprintf(stderr, "herd: %s\n", text.error().message.c_str());
    return kExitError;
  }
  request.text = std::move(*text);
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::DirectoryChange>(request);
  if (!result.ok()) return report_failure(result);
  print(options.json ? change_json(*result.reply) : change_text(*result.reply, apply));
  return result.reply->valid ? kExitOk : kExitError;
}

}  // namespace

int run_directory_apply(const CliConfig& config, const DirectoryFileOptions& options) {
  return directory_change<protocol::DirectoryApply>(config, options, true);
}

int run_directory_diff(const CliConfig& config, const DirectoryFileOptions& options) {
  return directory_change<protocol::DirectoryDiff>(config, options, false);
}

int run_directory_status(const CliConfig& config, bool json) {
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::DirectoryStatusReply>(protocol::DirectoryStatusQuery{});
  if (!result.ok()) return report_failure(result);
  print(json ? directory_status_json(*result.reply)
             : directory_status_table(*result.reply, std::chrono::system_clock::now(), stdout_wants_colour()));
  return kExitOk;
}

int run_maintenance(const CliConfig& config, const MaintenanceOptions& options) {
  auto request = maintenance_request(options, std::chrono::system_clock::now());
  if (!request) {
    std::fprintf(stderr, "herd: maintenance: %s\n", request.error().message.c_str());
    return kExitUsage;
  }
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::MaintenanceReply>(*request);
  if (!result.ok()) {
    // The controller refuses what the CLI cannot check itself (a node it does
    // not know, a time already past on its clock): a usage error too.
    if (result.error_code == "bad_request") {
      std::string message = result.failure.message;
      const std::string suffix = " (bad_request)";
      if (message.ends_with(suffix)) message.resize(message.size() - suffix.size());
      std::fprintf(stderr, "herd: maintenance: %s\n", message.c_str());
      return kExitUsage;
    }
    return report_failure(result);
  }
  print(options.json ? maintenance_json(*result.reply) : maintenance_text(*result.reply));
  return kExitOk;
}

int run_keys_gen(const KeysGenOptions& options) {
  const auto slash = options.out.rfind('/');
  const std::string name = slash == std::string::npos ? options.out : options.out.substr(slash + 1);
  auto keys = bus::generate_keypair(name);
  if (!keys) {
    std::fprintf(stderr, "herd: --out %s: %s\n", options.out.c_str(), keys.error().message.c_str());
    return kExitUsage;
  }
  if (auto s = bus::write_keypair(*keys, options.out, options.force); !s) {
    std::fprintf(stderr, "herd: %s\n", s.error().message.c_str());
    return kExitError;
  }
  std::printf("wrote %s.key (secret, mode 0600) and %s.pub for node \"%s\" (fingerprint %s)\n", options.out.c_str(),
              options.out.c_str(), name.c_str(), keys->public_key.substr(0, 16).c_str());
  return kExitOk;
}

int run_keys_list(const CliConfig& config, bool json) {
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::KeysListReply>(protocol::KeysListQuery{});
  if (!result.ok()) return report_failure(result);
  print(json ? keys_list_json(*result.reply) : keys_list_table(*result.reply, stdout_wants_colour()));
  return kExitOk;
}

int run_key_decision(const CliConfig& config, const KeyDecisionOptions& options) {
  protocol::KeyDecision decision;
  const auto& names = protocol::EnumNames<protocol::KeyAction>::names;
  const auto it = std::find(names.begin(), names.end(), options.action);
  if (it == names.end()) return kExitUsage;
  decision.action = static_cast<protocol::KeyAction>(it - names.begin());
  decision.node = options.node;
  decision.key = options.key;
  QueryClient client(config.socket, config.timeout);
  auto result = client.ask<protocol::KeyDecisionReply>(decision);
  if (!result.ok()) {
    report_failure(result);
    // Naming a node with nothing to decide on is bad input, like a typo.
    const auto& code = result.error_code;
    if (code == "not_found" || code == "conflict" || code == "bad_request") return kExitUsage;
    return result.failure.unreachable ? kExitUnreachable : kExitError;
  }
  print(key_decision_text(*result.reply));
  return kExitOk;
}

}  // namespace herd::cli
