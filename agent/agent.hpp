#pragma once
// herd-agent: one event loop with the controller channel (DEALER), the
// publish channel (SUB), the local query socket, the collectors' ready fd, a
// heartbeat timer and signals. Collection runs on the collectors' own worker
// thread; nothing here blocks.

#include <memory>
#include <optional>

#include "agent/config.hpp"
#include "agent/directory_sync.hpp"
#include "agent/directory_worker.hpp"
#include "agent/heartbeat_source.hpp"
#include "agent/local_queries.hpp"
#include "agent/redial.hpp"
#include "agent/session.hpp"
#include "bus/curve_keys.hpp"
#include "bus/handshake_monitor.hpp"
#include "bus/event_loop.hpp"
#include "collectors/collection.hpp"
#include "common/clock.hpp"
#include "common/log_limiter.hpp"
#include "common/service_notifier.hpp"

namespace herd::agent {

class Agent {
 public:
  Agent(AgentConfig config, const Clock& clock);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Reads the keys, connects, binds the local socket and starts the
  // collectors. Fails on a missing or bad key file, an endpoint libzmq
  // refuses or a local socket that cannot be bound; an unreachable
  // controller is not a failure (the agent keeps trying).
  [[nodiscard]] Status start();
  void run();  // until SIGTERM or SIGINT

 private:
  void on_heartbeat_timer();
  void on_control_readable();
  void on_publish_readable();
  void on_report_ready();
  void send_report();
  void watch_controller_state();
  void maybe_redial();
  void sync_directory();
  void on_directory_applied();
  void send_directory_ack();
  [[nodiscard]] OwnNode own_node();

  AgentConfig config_;
  const Clock& clock_;
  WallTime started_;
  std::unique_ptr<Session> session_;
  HeartbeatSource heartbeat_source_;
  protocol::Heartbeat last_heartbeat_;
  std::unique_ptr<bus::Context> context_;
  std::optional<bus::Socket> control_;
  std::optional<bus::Socket> publish_;
  std::unique_ptr<bus::HandshakeMonitor> control_monitor_;
  std::unique_ptr<bus::HandshakeMonitor> publish_monitor_;
  std::unique_ptr<collectors::Collection> collection_;
  std::optional<protocol::NodeReport> latest_report_;
  std::optional<uint64_t> sent_fingerprint_;
  std::optional<MonoTime> report_sent_at_;
  std::unique_ptr<LocalQueries> local_queries_;
  std::unique_ptr<DirectorySync> directory_sync_;
  std::unique_ptr<DirectoryWorker> directory_worker_;
  std::optional<protocol::DirectoryAck> unsent_ack_;
  bus::EventLoop loop_;
  ServiceNotifier notifier_;
  LogLimiter warn_log_{10, std::chrono::seconds{60}};
  bool was_silent_ = true;
  RedialPolicy redial_;
  uint64_t unsent_ = 0;
};

// Identity of this node from its key file and the running system.
[[nodiscard]] Identity make_identity(const bus::CurveKeyPair& keys, std::chrono::milliseconds heartbeat_interval);

}  // namespace herd::agent
