#pragma once
// A ZeroMQ socket that only ever does non-blocking operations, receives whole
// multipart messages together with the identity the connection was
// authenticated as (ZAP User-Id), and tells its event loop when a send may
// have consumed a readiness edge.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "bus/context.hpp"
#include "common/result.hpp"

namespace herd::bus {

struct Message {
  std::vector<zmq::message_t> frames;
  // User-Id the ZAP handler gave this connection: a node name on agent
  // sockets, "uid:gid" on local ipc sockets; empty where no ZAP ran.
  std::string user_id;
  // Peer-Address from libzmq: the TCP peer, or "...:uid:gid:pid" on ipc.
  std::string peer_address;
  // The TCP connection's file descriptor inside libzmq (ZMQ_SRCFD); -1 if
  // unknown. Only for close_tcp_connection(), never to read or write.
  int source_fd = -1;

  [[nodiscard]] std::string_view frame(std::size_t i) const {
    return {static_cast<const char*>(frames[i].data()), frames[i].size()};
  }
};

enum class SendResult {
  sent,
  would_block,  // high-water mark reached, or no connected peer (ZMQ_IMMEDIATE)
  unroutable,   // ROUTER: the peer is gone
};

class Socket {
 public:
  Socket(Context& context, zmq::socket_type type, std::string description);
  Socket(Socket&&) noexcept = default;
  Socket& operator=(Socket&&) noexcept = default;

  [[nodiscard]] Status bind(const std::string& endpoint);
  [[nodiscard]] Status connect(const std::string& endpoint);
  // Drops whatever connection or attempt there is to `endpoint` and connects
  // again: libzmq does not retry a handshake the server refused.
  [[nodiscard]] Status redial(const std::string& endpoint);

  // One whole multipart message, or nothing if none is waiting. Messages
  // with more than `max_frames` frames are read to the end and dropped.
  [[nodiscard]] std::optional<Message> receive(std::size_t max_frames = 8);
  SendResult send(std::span<const std::string_view> frames);
  SendResult send(std::initializer_list<std::string_view> frames) {
    return send(std::span<const std::string_view>(frames.begin(), frames.size()));
  }

  // Whether a message is ready to receive (processes pending socket commands).
  [[nodiscard]] bool readable();
  [[nodiscard]] int fd();

  [[nodiscard]] const std::string& description() const { return description_; }
  zmq::socket_t& raw() { return socket_; }

  // Set by the event loop that watches this socket.
  void set_send_hook(std::function<void()> hook) { send_hook_ = std::move(hook); }

 private:
  zmq::socket_t socket_;
  std::string description_;
  std::function<void()> send_hook_;
};

}  // namespace herd::bus
