#include "bus/handshake_monitor.hpp"

#include <cstring>
#include <stdexcept>

namespace herd::bus {

HandshakeMonitor::HandshakeMonitor(Context& context, Socket& watched, const std::string& name)
    : events_(context, zmq::socket_type::pair, "handshake monitor of " + watched.description()) {
  const std::string endpoint = "inproc://herd-monitor-" + name;
  if (zmq_socket_monitor(watched.raw().handle(), endpoint.c_str(),
                         ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0) {
    throw std::runtime_error("zmq_socket_monitor " + endpoint + ": " + zmq_strerror(zmq_errno()));
  }
  events_.raw().connect(endpoint);
}

void HandshakeMonitor::drain() {
  // Each event: a 6-byte frame (uint16 event, uint32 value) and the endpoint.
  while (auto m = events_.receive(2)) {
    if (m->frames.empty() || m->frames[0].size() < 2) continue;
    uint16_t event = 0;
    std::memcpy(&event, m->frames[0].data(), sizeof event);
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) refused_ = true;
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) refused_ = false;
  }
}

}  // namespace herd::bus
