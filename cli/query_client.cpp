#include "cli/query_client.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bus/roles.hpp"

namespace herd::cli {
namespace {

// libzmq retries a refused ipc connect silently; a plain connect() tells at
// once whether anything listens (a file left by a killed daemon does not).
std::optional<std::string> probe_ipc(const std::string& endpoint) {
  const std::string path = bus::ipc_path(endpoint);
  if (path.empty()) return std::nullopt;
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return "socket path too long";
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string(std::strerror(errno));
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int error = errno;
  ::close(fd);
  if (rc == 0) return std::nullopt;
  return fmt::format("{}: {}", path, std::strerror(error));
}

}  // namespace

std::optional<protocol::Frame> QueryClient::exchange(const std::string& request, QueryFailure& failure) {
  // An ipc socket file that does not exist means nothing is listening: say
  // so at once instead of waiting for the timeout.
  if (auto problem = probe_ipc(endpoint_)) {
    failure = {true, fmt::format("cannot reach herd at {}: {} (is the service running?)", endpoint_, *problem)};
    return std::nullopt;
  }
  bus::Context context({.io_threads = 1, .max_sockets = 16});
  auto socket = bus::connect_query_dealer(context, endpoint_);
  if (!socket) {
    failure = {true, socket.error().message};
    return std::nullopt;
  }
  // DEALER queues the request until the connection is up; the wait below
  // covers connecting and answering together.
  if (socket->send({request}) != bus::SendResult::sent) {
    failure = {true, fmt::format("cannot send to {}", endpoint_)};
    return std::nullopt;
  }
  zmq::pollitem_t item{socket->raw().handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, timeout_) <= 0) {
    failure = {true, fmt::format("no answer from {} within {} ms", endpoint_, timeout_.count())};
    return std::nullopt;
  }
  auto message = socket->receive(2);
  if (!message || message->frames.size() != 1) {
    failure = {false, "malformed reply"};
    return std::nullopt;
  }
  auto frame = protocol::decode_frame(message->frame(0));
  if (!frame) {
    failure = {false, "malformed reply: " + frame.error().message};
    return std::nullopt;
  }
  return std::move(*frame);
}

}  // namespace herd::cli
