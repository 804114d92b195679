// herd: the command-line client. Parses arguments and calls one command.
// Every command is declared once, in run_herd(): `herd ARGS` and each line
// of `herd console` both come through it, so a command added here is a
// console command too, completion included.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/config.hpp"
#include "cli/console/command_tree_cli11.hpp"
#include "cli/console/console.hpp"
#include "cli/exit_codes.hpp"
#include "common/version.hpp"

namespace cli = herd::cli;

namespace {

struct Invocation {
  bool in_console = false;
  std::string config_path;                    // -c given to `herd console`: each line's default
  herd::cli::console::CommandNode* describe = nullptr;  // set: fill in the commands, run nothing
};

int run_console(const std::string& config_path, const cli::CliConfig& config);

// `args` without the program name. Returns the exit status; never exits
// (the console runs it once per line).
int run_herd(std::vector<std::string> args, const Invocation& how) {
  CLI::App app{"herd: status of the cluster's nodes, and its administration"};
  app.name("herd");
  app.require_subcommand(1);
  app.set_version_flag("--version", herd::kVersion);
  std::string config_path = how.config_path;
  app.add_option("-c,--config", config_path, "config file (default: $HERD_CONFIG, else /etc/herd/herd.toml)");

  cli::StatusOptions status;
  auto* status_cmd = app.add_subcommand("status", "show every node's state, load and memory");
  status_cmd->add_option("nodes", status.nodes, "only these nodes");
  status_cmd->add_flag("--json", status.json, "print JSON (documented in docs/cli.md)");

  cli::EventsOptions events;
  auto* events_cmd = app.add_subcommand("events", "show the event log (nodes up/down, directory, maintenance, keys, controller start/stop)");
  events_cmd->add_option("--node", events.node, "only events of this node");
  events_cmd->add_option("--since", events.since, "only events after this time (2026-11-23T08:00Z) or duration ago (2h)");
  events_cmd->add_option("--limit", events.limit, "at most this many, the newest")->check(CLI::Range(1, 100000));
  events_cmd->add_flag("--json", events.json, "print JSON");

  cli::NodeShowOptions node_show;
  auto* node_cmd = app.add_subcommand("node", "one node in detail");
  node_cmd->require_subcommand(1);
  auto* node_show_cmd = node_cmd->add_subcommand("show", "state, health checks, mounts, links, units of a node");
  node_show_cmd->add_option("node", node_show.node, "the node")->required();
  node_show_cmd->add_flag("--json", node_show.json, "print JSON");

  cli::QuotaListOptions quota;
  auto* quota_cmd = app.add_subcommand("quota", "disk quota and slice limits");
  quota_cmd->require_subcommand(1);
  auto* quota_list_cmd = quota_cmd->add_subcommand("list", "your usage and limits on every filesystem and node");
  quota_list_cmd->add_option("--user", quota.user, "another user, by name or uid (root and admins only)");
  quota_list_cmd->add_flag("--all", quota.all_users, "every user (root and admins only)");
  quota_list_cmd->add_flag("--json", quota.json, "print JSON");

  cli::DaemonStatusOptions daemon;
  auto* daemon_cmd = app.add_subcommand("daemon", "your own systemd user units (e.g. rootless Docker)");
  daemon_cmd->require_subcommand(1);
  auto* daemon_status_cmd = daemon_cmd->add_subcommand("status", "your user units on every node");
  daemon_status_cmd->add_option("--user", daemon.user, "another user, by name or uid (root and admins only)");
  daemon_status_cmd->add_option("--node", daemon.node, "only this node");
  daemon_status_cmd->add_flag("--all", daemon.all_users, "every user (root and admins only)");
  daemon_status_cmd->add_flag("--json", daemon.json, "print JSON");

  auto* directory_cmd = app.add_subcommand("directory", "the users and groups applied on every node");
  directory_cmd->require_subcommand(1);
  cli::DirectoryFileOptions directory_apply;
  auto* directory_apply_cmd =
      directory_cmd->add_subcommand("apply", "validate FILE, store it as a new revision and publish it (admins)");
  directory_apply_cmd->add_option("file", directory_apply.file, "directory file (YAML or JSON)")->required();
  directory_apply_cmd->add_flag("--json", directory_apply.json, "print JSON");
  cli::DirectoryFileOptions directory_diff;
  auto* directory_diff_cmd =
      directory_cmd->add_subcommand("diff", "what FILE would change against the current revision (admins)");
  directory_diff_cmd->add_option("file", directory_diff.file, "directory file (YAML or JSON)")->required();
  directory_diff_cmd->add_flag("--json", directory_diff.json, "print JSON");
  bool directory_status_json = false;
  auto* directory_status_cmd =
      directory_cmd->add_subcommand("status", "which nodes are at which revision, which failed and why");
  directory_status_cmd->add_flag("--json", directory_status_json, "print JSON");

  // herd maintenance on|off (admins, head node)
  auto* maintenance_cmd = app.add_subcommand("maintenance", "mark nodes as in maintenance, with a reason (admins)");
  maintenance_cmd->require_subcommand(1);
  cli::MaintenanceOptions maintenance_on;
  maintenance_on.on = true;
  auto* maintenance_on_cmd = maintenance_cmd->add_subcommand("on", "put nodes in maintenance (or change reason/end)");
  maintenance_on_cmd->add_option("nodes", maintenance_on.nodes, "the nodes");
  maintenance_on_cmd->add_flag("--all", maintenance_on.all, "every node the controller knows");
  maintenance_on_cmd->add_option("--reason", maintenance_on.reason, "why (required; shown and logged)");
  maintenance_on_cmd->add_option("--until", maintenance_on.until,
                                 "end it by itself at this time (2026-11-24T08:00Z) or after this long (2h)");
  maintenance_on_cmd->add_flag("--json", maintenance_on.json, "print JSON");
  cli::MaintenanceOptions maintenance_off;
  auto* maintenance_off_cmd = maintenance_cmd->add_subcommand("off", "end maintenance of nodes");
  maintenance_off_cmd->add_option("nodes", maintenance_off.nodes, "the nodes");
  maintenance_off_cmd->add_flag("--all", maintenance_off.all, "every node in maintenance");
  maintenance_off_cmd->add_option("--reason", maintenance_off.reason, "why (recorded in the event)");
  maintenance_off_cmd->add_flag("--json", maintenance_off.json, "print JSON");

  auto* keys_cmd = app.add_subcommand("keys", "manage CURVE keys");
  keys_cmd->require_subcommand(1);
  cli::KeysGenOptions gen;
  auto* gen_cmd = keys_cmd->add_subcommand("gen", "write a new keypair DIR/NAME.key (secret) and DIR/NAME.pub");
  gen_cmd->add_option("--out", gen.out, "DIR/NAME: where to write; NAME is the node's identity")->required();
  gen_cmd->add_flag("--force", gen.force, "replace existing key files");
  // Enrolment on the controller (admins, head node): SPEC §4, docs/operations.md.
  bool keys_list_json = false;
  auto* keys_list_cmd = keys_cmd->add_subcommand("list", "enrolled keys, and pending, rejected and revoked ones (admins)");
  keys_list_cmd->add_flag("--json", keys_list_json, "print JSON");
  cli::KeyDecisionOptions key_decision;
  std::vector<CLI::App*> key_decision_cmds;
  for (const auto& [action, help] : {std::pair{"accept", "enrol the key pending for NODE (admins)"},
                                     std::pair{"reject", "refuse the key pending for NODE from now on (admins)"},
                                     std::pair{"revoke", "remove NODE's key, close its connections, refuse it (admins)"}}) {
    auto* cmd = keys_cmd->add_subcommand(action, help);
    cmd->add_option("node", key_decision.node, "the node")->required();
    if (std::string_view(action) != "revoke") {
      cmd->add_option("--key", key_decision.key, "fingerprint of the pending key meant, if several claim NODE");
    }
    cmd->callback([&key_decision, action] { key_decision.action = action; });
    key_decision_cmds.push_back(cmd);
  }

  CLI::App* console_cmd = nullptr;
  if (!how.in_console) {
    console_cmd = app.add_subcommand("console", "interactive console: editing, history, completion, live watch");
  }

  if (how.describe != nullptr) {
    *how.describe = herd::cli::console::command_tree_from(app);
    return cli::kExitOk;
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector last word first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? cli::kExitOk : cli::kExitUsage;
  }

  if (gen_cmd->parsed()) return cli::run_keys_gen(gen);

  auto config = cli::load_cli_config(config_path);
  if (!config) {
    std::fprintf(stderr, "herd: %s\n", config.error().message.c_str());
    return cli::kExitUsage;
  }
  if (console_cmd != nullptr && console_cmd->parsed()) return run_console(config_path, *config);
  if (status_cmd->parsed()) return cli::run_status(*config, status);
  if (events_cmd->parsed()) return cli::run_events(*config, events);
  if (node_show_cmd->parsed()) return cli::run_node_show(*config, node_show);
  if (quota_list_cmd->parsed()) return cli::run_quota_list(*config, quota);
  if (daemon_status_cmd->parsed()) return cli::run_daemon_status(*config, daemon);
  if (directory_apply_cmd->parsed()) return cli::run_directory_apply(*config, directory_apply);
  if (directory_diff_cmd->parsed()) return cli::run_directory_diff(*config, directory_diff);
  if (directory_status_cmd->parsed()) return cli::run_directory_status(*config, directory_status_json);
  if (keys_list_cmd->parsed()) return cli::run_keys_list(*config, keys_list_json);
  if (!key_decision.action.empty()) return cli::run_key_decision(*config, key_decision);
  if (maintenance_on_cmd->parsed()) return cli::run_maintenance(*config, maintenance_on);
  if (maintenance_off_cmd->parsed()) return cli::run_maintenance(*config, maintenance_off);
  return cli::kExitUsage;
}

int run_console(const std::string& config_path, const cli::CliConfig& config) {
  const Invocation in_console{.in_console = true, .config_path = config_path};
  herd::cli::console::ConsoleSetup setup;
  Invocation describe = in_console;
  describe.describe = &setup.commands;
  (void)run_herd({}, describe);
  setup.run_command = [in_console](const std::vector<std::string>& words) { return run_herd(words, in_console); };
  setup.config = config;
  return herd::cli::console::run_console(std::move(setup));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  try {
    return run_herd(std::move(args), Invocation{});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herd: %s\n", e.what());
    return cli::kExitError;
  }
}
