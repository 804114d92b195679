#pragma once
// When to dial the controller again from scratch.
//
// libzmq reconnects by itself after a connection drops, but not after the
// controller's ZAP handler refused the handshake (libzmq 4.3: an
// authentication failure ends the connection attempt for good). That is
// exactly what a pending, not yet accepted key meets, and what a node meets
// whose key was revoked or rotated: so while its last handshake was refused
// (bus::HandshakeMonitor), the agent disconnects and connects its sockets
// again, with jittered backoff doubling from reconnect_min to reconnect_max.
// Only then: a handshake that is merely slow (a controller restart storm) is
// never cut short. Once a handshake succeeds, the backoff starts over. Pure
// logic on injected time.

#include <chrono>
#include <optional>

#include "common/clock.hpp"

namespace herd::agent {

class RedialPolicy {
 public:
  RedialPolicy(std::chrono::milliseconds min, std::chrono::milliseconds max) : min_(min), max_(max), next_(min) {}

  // Called every second or so: whether to redial now. `draw` in [0, 1)
  // spreads agents refused at the same moment over the next interval.
  [[nodiscard]] bool due(MonoTime now, bool refused, double draw);
  [[nodiscard]] std::chrono::milliseconds interval() const { return next_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
  std::optional<MonoTime> since_;  // when silence began, or the last redial
};

}  // namespace herd::agent
