#include "controller/config.hpp"

#include "common/config_reader.hpp"
#include "controller/metrics_server.hpp"

namespace herd::controller {

using namespace std::chrono_literals;

Result<ControllerConfig> load_controller_config(const std::string& path) {
  auto reader = ConfigReader::open(path);
  if (!reader) return std::move(reader).error();
  ControllerConfig c;
  reader->optional("agent_endpoint", c.agent_endpoint);
  reader->optional("publish_endpoint", c.publish_endpoint);
  reader->optional("query_socket", c.query_socket);
  reader->optional("key", c.key);
  reader->optional("keys_dir", c.keys_dir);
  reader->optional("state_db", c.state_db);
  reader->optional("down_after", c.down_after, 500ms, 1h);
  reader->optional("tick_interval", c.tick_interval, 100ms, 1min);
  reader->optional("io_threads", c.io_threads, 1, 64);
  reader->optional("admin_group", c.admin_group);
  reader->optional("directory_file", c.directory_file);
  reader->optional("directory_watch_interval", c.directory_watch_interval, 100ms, 1h);
  reader->choice("enrolment", c.enrolment, {"off", "pending"});
  reader->choice("log_level", c.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  reader->optional("metrics_listen", c.metrics_listen);
  if (!c.metrics_listen.empty()) {
    if (auto a = parse_listen_address(c.metrics_listen); !a) reader->error("metrics_listen", a.error().message);
  }
  if (c.query_socket.rfind("ipc://", 0) != 0) {
    reader->error("query_socket", "must be an ipc:// endpoint (remote users query through their node's agent)");
  }
  if (auto s = reader->finish(); !s) return std::move(s).error();
  return c;
}

}  // namespace herd::controller
