#include "bus/socket.hpp"

namespace herd::bus {
namespace {

std::string property(zmq::message_t& message, const char* name) {
  const char* value = zmq_msg_gets(message.handle(), name);
  return value ? std::string(value) : std::string();
}

}  // namespace

Socket::Socket(Context& context, zmq::socket_type type, std::string description)
    : socket_(context.raw(), type), description_(std::move(description)) {
  socket_.set(zmq::sockopt::linger, 0);
}

Status Socket::bind(const std::string& endpoint) {
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return fail("failed to bind {} to {}: {}", description_, endpoint, e.what());
  }
  return {};
}

Status Socket::connect(const std::string& endpoint) {
  try {
    socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return fail("failed to connect {} to {}: {}", description_, endpoint, e.what());
  }
  return {};
}

Status Socket::redial(const std::string& endpoint) {
  try {
    socket_.disconnect(endpoint);
  } catch (const zmq::error_t&) {
    // ENOENT: the refused attempt is already gone; connect anew all the same.
  }
  return connect(endpoint);
}

std::optional<Message> Socket::receive(std::size_t max_frames) {
  Message message;
  zmq::message_t frame;
  if (!socket_.recv(frame, zmq::recv_flags::dontwait)) return std::nullopt;
  bool more = frame.more();
  message.frames.push_back(std::move(frame));
  bool oversized = false;
  while (more) {
    zmq::message_t next;
    // The rest of a multipart message is already here: parts arrive together.
    (void)socket_.recv(next, zmq::recv_flags::none);
    more = next.more();
    if (message.frames.size() < max_frames) {
      message.frames.push_back(std::move(next));
    } else {
      oversized = true;
    }
  }
  zmq::message_t& last = message.frames.back();
  message.user_id = property(last, "User-Id");
  message.peer_address = property(last, "Peer-Address");
  // ZMQ_SRCFD is deprecated in favour of Peer-Address, but it is still
  // supported (libzmq keeps it as a connection property) and is the only
  // way to tell two connections from one address apart.
  message.source_fd = zmq_msg_get(last.handle(), ZMQ_SRCFD);
  if (oversized) message.frames.clear();  // the caller sees an empty message and counts it as bad
  return message;
}

SendResult Socket::send(std::span<const std::string_view> frames) {
  SendResult result = SendResult::sent;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto flags = (i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none) |
                       zmq::send_flags::dontwait;
    try {
      if (!socket_.send(zmq::const_buffer(frames[i].data(), frames[i].size()), flags)) {
        // Only the first frame can block: once it is queued, the rest follow.
        result = SendResult::would_block;
        break;
      }
    } catch (const zmq::error_t& e) {
      if (e.num() != EHOSTUNREACH) throw;
      result = SendResult::unroutable;
      break;
    }
  }
  // A send processes the socket's pending commands, which can consume the
  // edge that would have told the loop a message arrived.
  if (send_hook_) send_hook_();
  return result;
}

bool Socket::readable() { return (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0; }

int Socket::fd() { return socket_.get(zmq::sockopt::fd); }

}  // namespace herd::bus
