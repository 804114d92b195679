#pragma once
// Watches one socket's CURVE handshakes (zmq_socket_monitor) and remembers
// whether the last one was refused by the server's ZAP handler. libzmq 4.3
// does not reconnect after such a refusal; the agent uses this to know when
// to dial again itself (agent/redial.hpp), and only then, so that a slow
// handshake during a controller restart storm is never cut short.

#include <string>

#include "bus/socket.hpp"

namespace herd::bus {

class HandshakeMonitor {
 public:
  // `name` makes the inproc endpoint unique within the context.
  HandshakeMonitor(Context& context, Socket& watched, const std::string& name);

  // The monitor's own socket, for the event loop; call drain() when readable.
  Socket& socket() { return events_; }
  void drain();
  [[nodiscard]] bool refused() const { return refused_; }

 private:
  Socket events_;
  bool refused_ = false;
};

}  // namespace herd::bus
