#pragma once
// herd-agent: one event loop with the controller channel (DEALER), the
// publish channel (SUB), a heartbeat timer and signals.

#include <memory>
#include <optional>

#include "agent/config.hpp"
#include "agent/heartbeat_source.hpp"
#include "agent/session.hpp"
#include "bus/curve_keys.hpp"
#include "bus/event_loop.hpp"
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

  // Reads the keys and connects. Fails on a missing or bad key file or an
  // endpoint libzmq refuses; an unreachable controller is not a failure (the
  // agent keeps trying).
  [[nodiscard]] Status start();
  void run();  // until SIGTERM or SIGINT

 private:
  void on_heartbeat_timer();
  void on_control_readable();
  void on_publish_readable();
  void send(std::string_view frame);
  void watch_controller_state();

  AgentConfig config_;
  const Clock& clock_;
  std::unique_ptr<Session> session_;
  HeartbeatSource heartbeat_source_;
  std::unique_ptr<bus::Context> context_;
  std::optional<bus::Socket> control_;
  std::optional<bus::Socket> publish_;
  bus::EventLoop loop_;
  ServiceNotifier notifier_;
  LogLimiter warn_log_{10, std::chrono::seconds{60}};
  bool was_silent_ = true;
  uint64_t unsent_heartbeats_ = 0;
};

// Identity of this node from its key file and the running system.
[[nodiscard]] Identity make_identity(const bus::CurveKeyPair& keys, std::chrono::milliseconds heartbeat_interval);

}  // namespace herd::agent
