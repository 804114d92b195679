#include "tests/support/cluster.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace herd::test {

std::string binary(const std::string& relative) { return std::string(HERD_BINARY_DIR) + "/" + relative; }

namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// The unmanaged part of a Debian node's account files: each agent's sandbox
// root starts with them, and they must come through every apply unchanged.
constexpr const char* kBasePasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
constexpr const char* kBaseShadow = "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n";
constexpr const char* kBaseGroup = "root:x:0:\ndaemon:x:1:\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n";
constexpr const char* kBaseGshadow = "root:*::\ndaemon:*::\nshadow:*::\nusers:*::\nnogroup:*::\n";

void must(const CommandResult& r, const std::string& what) {
  if (r.exit_code != 0) throw std::runtime_error(what + " failed: " + r.out + r.err);
}

}  // namespace

Cluster::Cluster() : agent_port_(free_tcp_port()), publish_port_(free_tcp_port()) {
  std::filesystem::create_directories(dir_ / "keys");
  std::filesystem::create_directories(dir_ / "node-keys");
  must(run_command({binary("cli/herd"), "keys", "gen", "--out", dir_ / "controller"}, std::chrono::seconds{10}),
       "herd keys gen");
  write(dir_ / "herd.toml", "socket = \"ipc://" + dir_.path() + "/controller.sock\"\ntimeout = \"2s\"\n");
}

Cluster::~Cluster() {
  swarm_.reset();
  agents_.clear();
  if (controller_) controller_->signal(SIGTERM);
  controller_.reset();
}

void Cluster::add_node(const std::string& node, bool enrol) {
  must(run_command({binary("cli/herd"), "keys", "gen", "--out", dir_ / ("node-keys/" + node)},
                   std::chrono::seconds{10}),
       "herd keys gen");
  if (enrol) {
    std::filesystem::copy_file(dir_ / ("node-keys/" + node + ".pub"), dir_ / ("keys/" + node + ".pub"));
  }
  const std::string root = root_of(node);
  std::filesystem::create_directories(root + "/etc");
  write(root + "/etc/passwd", kBasePasswd);
  write(root + "/etc/shadow", kBaseShadow);
  write(root + "/etc/group", kBaseGroup);
  write(root + "/etc/gshadow", kBaseGshadow);
  std::filesystem::permissions(root + "/etc/shadow", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::permissions(root + "/etc/gshadow", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  write(agent_config(node), "controller_endpoint = \"tcp://127.0.0.1:" + std::to_string(agent_port_) +
                                "\"\npublish_endpoint = \"tcp://127.0.0.1:" + std::to_string(publish_port_) +
                                "\"\ncontroller_public_key = \"" + controller_public_key() + "\"\nkey = \"" +
                                key_path(node) + "\"\nheartbeat_interval = \"1s\"\n" +
                                "reconnect_min = \"100ms\"\nreconnect_max = \"1s\"\nlog_level = \"debug\"\n" +
                                "local_socket = \"ipc://" + agent_socket(node) + "\"\n" +
                                "directory_root = \"" + root + "\"\n");
}

void Cluster::start_controller(const std::string& extra_config) {
  write(controller_config(), "agent_endpoint = \"tcp://127.0.0.1:" + std::to_string(agent_port_) +
                                 "\"\npublish_endpoint = \"tcp://127.0.0.1:" + std::to_string(publish_port_) +
                                 "\"\nquery_socket = \"ipc://" + dir_.path() + "/controller.sock\"\nkey = \"" +
                                 (dir_ / "controller.key") + "\"\nkeys_dir = \"" + (dir_ / "keys") +
                                 "\"\nstate_db = \"" + (dir_ / "controller.db") + "\"\nlog_level = \"debug\"\n" +
                                 // Tests run in parallel: no controller takes the default /metrics port
                                 // unless the test asks for /metrics itself.
                                 (extra_config.find("metrics_listen") == std::string::npos ? "metrics_listen = \"\"\n"
                                                                                            : "") +
                                 extra_config);
  controller_ = std::make_unique<Process>(
      std::vector<std::string>{binary("controller/herd-controller"), "--config", controller_config()},
      dir_ / "controller.log");
  // Ready when the query socket answers.
  if (!eventually([&] { return herd({"status"}, std::chrono::seconds{2}).exit_code == 0; }, std::chrono::seconds{10})) {
    throw std::runtime_error("controller did not start: " + controller_log());
  }
}

void Cluster::stop_controller(int sig) {
  controller_->signal(sig);
  controller_->wait(std::chrono::seconds{10});
  controller_.reset();
}

void Cluster::start_agent(const std::string& node) {
  agents_[node] = std::make_unique<Process>(
      std::vector<std::string>{binary("agent/herd-agent"), "--config", agent_config(node)},
      dir_ / (node + ".log"));
}

void Cluster::kill_agent(const std::string& node, int sig) {
  agents_.at(node)->signal(sig);
  agents_.at(node)->wait(std::chrono::seconds{10});
  agents_.erase(node);
}

void Cluster::start_swarm(int agents, int fake_users, const std::string& report_interval) {
  must(run_command({binary("swarm/herd-swarm"), "keys", "--count", std::to_string(agents), "--out",
                    dir_ / "swarm-keys", "--enrol", dir_ / "keys"},
                   std::chrono::seconds{30}),
       "herd-swarm keys");
  write(dir_ / "swarm.toml", "controller_endpoint = \"tcp://127.0.0.1:" + std::to_string(agent_port_) +
                                 "\"\npublish_endpoint = \"tcp://127.0.0.1:" + std::to_string(publish_port_) +
                                 "\"\ncontroller_public_key = \"" + controller_public_key() + "\"\nkeys_dir = \"" +
                                 (dir_ / "swarm-keys") + "\"\nreconnect_min = \"100ms\"\nreport_interval = \"" +
                                 report_interval + "\"\nfake_users = " + std::to_string(fake_users) + "\n");
  swarm_ = std::make_unique<Process>(std::vector<std::string>{binary("swarm/herd-swarm"), "--config",
                                                              dir_ / "swarm.toml", "--agents", std::to_string(agents)},
                                     dir_ / "swarm.log");
}

CommandResult Cluster::herd(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{binary("cli/herd"), "--config", dir_ / "herd.toml"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout);
}

nlohmann::json Cluster::status() {
  const CommandResult r = herd({"status", "--json"});
  if (r.exit_code != 0) throw std::runtime_error("herd status --json: exit " + std::to_string(r.exit_code) + ": " + r.err);
  return nlohmann::json::parse(r.out);
}

nlohmann::json Cluster::events() {
  const CommandResult r = herd({"events", "--json"});
  if (r.exit_code != 0) throw std::runtime_error("herd events --json: " + r.err);
  return nlohmann::json::parse(r.out);
}

std::string Cluster::node_state(const std::string& node) {
  const nlohmann::json s = status();  // keep it alive: ranging over s["nodes"] of a temporary dangles
  for (const auto& n : s["nodes"]) {
    if (n["name"] == node) return n["state"];
  }
  return "absent";
}

bool Cluster::eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (check()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

std::string Cluster::controller_log() const {
  std::ifstream in(dir_ / "controller.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace herd::test
