#pragma once
// bus/ is the one place that knows ZeroMQ. Everything else speaks in
// messages through Socket and EventLoop.

#include <zmq.hpp>

namespace herd::bus {

struct ContextOptions {
  int io_threads = 1;
  // libzmq's default of 1023 sockets is far too few for a swarm or a large
  // controller; 65535 is its ceiling.
  int max_sockets = 65535;
};

class Context {
 public:
  explicit Context(ContextOptions options = {});
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  zmq::context_t& raw() { return context_; }

 private:
  zmq::context_t context_;
};

}  // namespace herd::bus
