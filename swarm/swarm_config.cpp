#include "swarm/swarm_config.hpp"

#include "common/config_reader.hpp"

namespace herd::swarm {

using namespace std::chrono_literals;

Result<SwarmConfig> load_swarm_config(const std::string& path) {
  auto reader = ConfigReader::open(path);
  if (!reader) return std::move(reader).error();
  SwarmConfig c;
  reader->required("controller_endpoint", c.controller_endpoint);
  reader->required("publish_endpoint", c.publish_endpoint);
  reader->required("controller_public_key", c.controller_public_key);
  reader->required("keys_dir", c.keys_dir);
  reader->optional("heartbeat_interval", c.heartbeat_interval, 100ms, 1min);
  reader->optional("reconnect_min", c.reconnect_min, 10ms, 1min);
  reader->optional("reconnect_max", c.reconnect_max, 100ms, 1h);
  reader->optional("io_threads", c.io_threads, 1, 64);
  reader->optional("report_interval", c.report_interval, 100ms, 1h);
  reader->optional("fake_users", c.fake_users, 0, 100'000);
  reader->choice("log_level", c.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  if (auto s = reader->finish(); !s) return std::move(s).error();
  return c;
}

}  // namespace herd::swarm
