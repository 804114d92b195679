#pragma once
// The CLI's own small config (herd.toml): where to send queries.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace herd::cli {

inline constexpr const char* kDefaultConfigPath = "/etc/herd/herd.toml";

inline constexpr const char* kControllerSocket = "ipc:///run/herd/controller.sock";
inline constexpr const char* kAgentSocket = "ipc:///run/herd/agent.sock";

struct CliConfig {
  // Default: the controller's socket where it exists (the head node), else
  // the local agent's (a compute node).
  std::string socket;
  std::chrono::milliseconds timeout{2000};
};

// `path` empty: $HERD_CONFIG, else /etc/herd/herd.toml if it exists, else defaults.
[[nodiscard]] Result<CliConfig> load_cli_config(const std::string& path);

}  // namespace herd::cli
