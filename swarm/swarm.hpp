#pragma once
// N simulated agents in one process for scale tests: each has its own
// DEALER and SUB sockets, its own CURVE key and its own agent Session (the
// same code the real agent runs); only the health figures are made up. All
// of them share one event loop and one libzmq context.

#include <memory>
#include <random>
#include <vector>

#include "agent/directory_sync.hpp"
#include "agent/session.hpp"
#include "bus/event_loop.hpp"
#include "swarm/swarm_config.hpp"

namespace herd::swarm {

struct SwarmStats {
  uint64_t agents = 0;
  uint64_t welcomed = 0;
  uint64_t heartbeats_sent = 0;
  uint64_t heartbeats_unsent = 0;  // not connected at that moment
  uint64_t reports_sent = 0;
  uint64_t directory_acks = 0;
  uint64_t bad_messages = 0;
};

class Swarm {
 public:
  Swarm(SwarmConfig config, const Clock& clock);
  ~Swarm();

  // Starts agents `first` .. `first + count - 1` of the keys directory
  // (sorted by name).
  [[nodiscard]] Status start(std::size_t first, std::size_t count);
  void run();  // until SIGTERM or SIGINT
  [[nodiscard]] SwarmStats stats() const;

 private:
  struct SimulatedAgent;
  void heartbeat(SimulatedAgent& agent);
  void report(SimulatedAgent& agent);
  void sync_directory(SimulatedAgent& agent);

  SwarmConfig config_;
  const Clock& clock_;
  std::unique_ptr<bus::Context> context_;
  bus::EventLoop loop_;
  std::vector<std::unique_ptr<SimulatedAgent>> agents_;
  std::mt19937_64 rng_{std::random_device{}()};
  SwarmStats stats_;
};

// A plausible full report of node `node`: health, and for `users` users
// (uids 20001...) quota on a shared CephFS home and the node's XFS scratch,
// a memory-limited slice and a running docker.service.
[[nodiscard]] protocol::NodeReport fake_report(const std::string& node, std::size_t users, WallTime now);

// Writes `count` keypairs named swarm-00001 .. into `secret_dir` (.key) and
// their public halves into `enrol_dir` (.pub) for the controller.
[[nodiscard]] Status generate_swarm_keys(std::size_t count, const std::string& secret_dir,
                                         const std::string& enrol_dir);

}  // namespace herd::swarm
