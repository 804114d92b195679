#include "cli/config.hpp"

#include <cstdlib>
#include <unistd.h>

#include "common/config_reader.hpp"

namespace herd::cli {

using namespace std::chrono_literals;

Result<CliConfig> load_cli_config(const std::string& path) {
  std::string file = path;
  if (file.empty()) {
    if (const char* env = std::getenv("HERD_CONFIG"); env != nullptr && *env != '\0') file = env;
  }
  CliConfig c;
  c.socket = ::access("/run/herd/controller.sock", F_OK) == 0 ? kControllerSocket : kAgentSocket;
  if (file.empty()) {
    if (::access(kDefaultConfigPath, F_OK) != 0) return c;
    file = kDefaultConfigPath;
  }
  auto reader = ConfigReader::open(file);
  if (!reader) return std::move(reader).error();
  reader->optional("socket", c.socket);
  reader->optional("timeout", c.timeout, 10ms, 5min);
  if (auto s = reader->finish(); !s) return std::move(s).error();
  return c;
}

}  // namespace herd::cli
