#pragma once
// A herd cluster of real processes on loopback for integration tests: keys
// generated with `herd keys gen`, configs written into a temporary
// directory, a controller and agents started as child processes, and the
// `herd` CLI run against it. Nothing outside the temporary directory and
// loopback is touched.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace herd::test {

std::string binary(const std::string& relative);  // path under the build tree

class Cluster {
 public:
  Cluster();
  ~Cluster();

  // Generates a key for `node` and enrols it (copies NAME.pub to keys_dir)
  // unless `enrol` is false.
  void add_node(const std::string& node, bool enrol = true);
  void start_controller(const std::string& extra_config = "");
  void stop_controller(int sig);
  void start_agent(const std::string& node);
  void kill_agent(const std::string& node, int sig);
  // `agents` simulated nodes (swarm-00001...) reporting `fake_users` users
  // every `report_interval` (see herd-swarm).
  void start_swarm(int agents, int fake_users, const std::string& report_interval = "1s");

  CommandResult herd(const std::vector<std::string>& args, std::chrono::milliseconds timeout = std::chrono::seconds{10});
  // `herd status --json` parsed; throws with the CLI's output if that fails.
  nlohmann::json status();
  nlohmann::json events();
  std::string node_state(const std::string& node);

  // Polls `check` every 50 ms until it is true or `timeout` passes.
  static bool eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout);

  [[nodiscard]] const TempDir& dir() const { return dir_; }
  [[nodiscard]] std::string controller_config() const { return dir_ / "controller.toml"; }
  [[nodiscard]] std::string agent_config(const std::string& node) const { return dir_ / (node + ".toml"); }
  [[nodiscard]] std::string controller_log() const;
  [[nodiscard]] int agent_port() const { return agent_port_; }
  [[nodiscard]] int publish_port() const { return publish_port_; }
  [[nodiscard]] std::string key_path(const std::string& node) const { return dir_ / ("node-keys/" + node + ".key"); }
  [[nodiscard]] std::string controller_public_key() const { return dir_ / "controller.pub"; }
  // The node's local query socket (a path; the endpoint is ipc://PATH).
  [[nodiscard]] std::string agent_socket(const std::string& node) const { return dir_ / (node + "-agent.sock"); }
  // The node's sandbox root: the directory is applied into ROOT/etc..., never the machine's /etc.
  [[nodiscard]] std::string root_of(const std::string& node) const { return dir_ / ("roots/" + node); }

 private:
  TempDir dir_;
  int agent_port_;
  int publish_port_;
  std::unique_ptr<Process> controller_;
  std::map<std::string, std::unique_ptr<Process>> agents_;
  std::unique_ptr<Process> swarm_;
};

}  // namespace herd::test
