#include "agent/config.hpp"

#include "common/config_reader.hpp"

namespace herd::agent {

using namespace std::chrono_literals;

Result<AgentConfig> load_agent_config(const std::string& path) {
  auto reader = ConfigReader::open(path);
  if (!reader) return std::move(reader).error();
  AgentConfig c;
  reader->required("controller_endpoint", c.controller_endpoint);
  reader->required("publish_endpoint", c.publish_endpoint);
  reader->optional("controller_public_key", c.controller_public_key);
  reader->optional("key", c.key);
  reader->optional("heartbeat_interval", c.heartbeat_interval, 100ms, 1min);
  reader->optional("reconnect_min", c.reconnect_min, 10ms, 1min);
  reader->optional("reconnect_max", c.reconnect_max, 100ms, 1h);
  reader->choice("log_level", c.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  if (c.reconnect_max < c.reconnect_min) reader->error("reconnect_max", "must not be less than reconnect_min");
  if (auto s = reader->finish(); !s) return std::move(s).error();
  return c;
}

}  // namespace herd::agent
