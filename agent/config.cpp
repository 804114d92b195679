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
  reader->optional("collect_interval", c.collect_interval, 500ms, 1h);
  reader->optional("report_interval", c.report_interval, 1s, 1h);
  reader->optional("local_socket", c.local_socket);
  reader->optional("query_timeout", c.query_timeout, 100ms, 1min);
  reader->optional("admin_group", c.admin_group);
  reader->optional("manage_directory", c.manage_directory);
  reader->optional("directory_root", c.directory_root);
  reader->choice("log_level", c.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  reader->section("collectors", [&](ConfigReader& r) { collectors::read_collectors_config(r, c.collectors); });
  reader->section("checks", [&](ConfigReader& r) { collectors::read_health_checks(r, c.checks); });
  if (c.reconnect_max < c.reconnect_min) reader->error("reconnect_max", "must not be less than reconnect_min");
  if (c.report_interval < c.collect_interval) reader->error("report_interval", "must not be less than collect_interval");
  if (!c.local_socket.empty() && c.local_socket.rfind("ipc://", 0) != 0) {
    reader->error("local_socket", "must be an ipc:// endpoint, or empty for none");
  }
  if (auto s = reader->finish(); !s) return std::move(s).error();
  return c;
}

}  // namespace herd::agent
