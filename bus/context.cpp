#include "bus/context.hpp"

namespace herd::bus {

Context::Context(ContextOptions options) : context_(options.io_threads, options.max_sockets) {
  // Never block process exit on unsent messages.
  context_.set(zmq::ctxopt::blocky, false);
}

}  // namespace herd::bus
