// herd-agent: parses arguments and config, builds the agent, runs it.
//
//   herd-agent [--config FILE]                     the daemon
//   herd-agent apply FILE [--root DIR] [--json]    apply a directory file once and exit

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <spdlog/spdlog.h>

#include "agent/agent.hpp"
#include "agent/config.hpp"
#include "common/logging.hpp"
#include "common/version.hpp"
#include "directory/offline_apply.hpp"

int main(int argc, char** argv) {
  CLI::App app{"herd-agent: reports this node's health and applies the cluster's users and groups"};
  std::string config_path = "/etc/herd/agent.toml";
  bool check_only = false;
  app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
  app.add_flag("--check-config", check_only, "validate the configuration and exit");
  app.set_version_flag("--version", herd::kVersion);

  auto* apply = app.add_subcommand(
      "apply", "validate a directory file and apply it once into a root (default /), then exit");
  std::string apply_file;
  std::string apply_root = "/";
  bool apply_json = false;
  apply->add_option("file", apply_file, "directory file (YAML or JSON)")->required();
  apply->add_option("--root", apply_root, "apply into this root instead of /")->capture_default_str();
  apply->add_flag("--json", apply_json, "print the counts as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (apply->parsed()) return herd::directory::run_offline_apply(apply_file, apply_root, apply_json, std::cout, std::cerr);

  auto config = herd::agent::load_agent_config(config_path);
  if (!config) {
    std::fprintf(stderr, "herd-agent: %s\n", config.error().message.c_str());
    return 1;
  }
  if (check_only) {
    std::printf("%s: ok\n", config_path.c_str());
    return 0;
  }
  if (auto s = herd::setup_logging("herd-agent", config->log_level); !s) {
    std::fprintf(stderr, "herd-agent: %s\n", s.error().message.c_str());
    return 1;
  }
  herd::SystemClock clock;
  herd::agent::Agent agent(std::move(*config), clock);
  if (auto s = agent.start(); !s) {
    spdlog::critical("{}", s.error().message);
    return 1;
  }
  agent.run();
  return 0;
}
