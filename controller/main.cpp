// herd-controller: parses arguments and config, builds the controller, runs it.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <spdlog/spdlog.h>

#include "common/fd_limit.hpp"
#include "common/logging.hpp"
#include "common/version.hpp"
#include "controller/config.hpp"
#include "controller/controller.hpp"

int main(int argc, char** argv) {
  CLI::App app{"herd-controller: aggregates node state, publishes the directory, answers queries"};
  std::string config_path = "/etc/herd/controller.toml";
  bool check_only = false;
  app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
  app.add_flag("--check-config", check_only, "validate the configuration and exit");
  app.set_version_flag("--version", herd::kVersion);
  CLI11_PARSE(app, argc, argv);

  auto config = herd::controller::load_controller_config(config_path);
  if (!config) {
    std::fprintf(stderr, "herd-controller: %s\n", config.error().message.c_str());
    return 1;
  }
  if (check_only) {
    std::printf("%s: ok\n", config_path.c_str());
    return 0;
  }
  if (auto s = herd::setup_logging("herd-controller", config->log_level); !s) {
    std::fprintf(stderr, "herd-controller: %s\n", s.error().message.c_str());
    return 1;
  }
  if (auto limit = herd::raise_fd_limit()) {
    spdlog::info("open file limit {} (two per agent, plus a few)", *limit);
  } else {
    spdlog::warn("could not raise the open file limit: {}", limit.error().message);
  }
  herd::SystemClock clock;
  herd::controller::Controller controller(std::move(*config), clock);
  if (auto s = controller.start(); !s) {
    spdlog::critical("{}", s.error().message);
    return 1;
  }
  controller.run();
  return 0;
}
