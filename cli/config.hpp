#pragma once
// The CLI's own small config (herd.toml): where to send queries.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace herd::cli {

inline constexpr const char* kDefaultConfigPath = "/etc/herd/herd.toml";

struct CliConfig {
  std::string socket = "ipc:///run/herd/controller.sock";
  std::chrono::milliseconds timeout{2000};
};

// `path` empty: $HERD_CONFIG, else /etc/herd/herd.toml if it exists, else defaults.
[[nodiscard]] Result<CliConfig> load_cli_config(const std::string& path);

}  // namespace herd::cli
