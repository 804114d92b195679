// herd-swarm: N simulated agents speaking the real protocol, for scale tests.
//
//   herd-swarm keys --count N --out DIR --enrol KEYS_DIR
//   herd-swarm --config FILE --agents N [--first K]

#include <CLI/CLI.hpp>
#include <cstdio>
#include <spdlog/spdlog.h>

#include "common/fd_limit.hpp"
#include "common/logging.hpp"
#include "common/version.hpp"
#include "swarm/swarm.hpp"

int main(int argc, char** argv) {
  CLI::App app{"herd-swarm: simulate many herd agents in one process"};
  app.set_version_flag("--version", herd::kVersion);
  std::string config_path;
  std::size_t agents = 0;
  std::size_t first = 0;
  app.add_option("-c,--config", config_path, "swarm configuration file");
  app.add_option("--agents", agents, "how many agents to simulate");
  app.add_option("--first", first, "index of the first key to use (to split a swarm over processes)");

  auto* keys_cmd = app.add_subcommand("keys", "generate keys for simulated agents");
  std::size_t count = 0;
  std::string out, enrol;
  keys_cmd->add_option("--count", count, "number of keypairs")->required();
  keys_cmd->add_option("--out", out, "directory for the secret keys")->required();
  keys_cmd->add_option("--enrol", enrol, "the controller's keys_dir, for the public keys")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (keys_cmd->parsed()) {
    if (auto s = herd::swarm::generate_swarm_keys(count, out, enrol); !s) {
      std::fprintf(stderr, "herd-swarm: %s\n", s.error().message.c_str());
      return 1;
    }
    return 0;
  }
  if (config_path.empty() || agents == 0) {
    std::fprintf(stderr, "herd-swarm: --config and --agents are required\n");
    return 2;
  }
  auto config = herd::swarm::load_swarm_config(config_path);
  if (!config) {
    std::fprintf(stderr, "herd-swarm: %s\n", config.error().message.c_str());
    return 1;
  }
  if (auto s = herd::setup_logging("herd-swarm", config->log_level); !s) return 1;
  if (auto limit = herd::raise_fd_limit(); !limit || *limit < agents * 4 + 64) {
    spdlog::warn("open file limit may be too low for {} agents (about 4 each)", agents);
  }
  herd::SystemClock clock;
  herd::swarm::Swarm swarm(std::move(*config), clock);
  if (auto s = swarm.start(first, agents); !s) {
    spdlog::critical("{}", s.error().message);
    return 1;
  }
  spdlog::info("{} agents started", agents);
  swarm.run();
  return 0;
}
