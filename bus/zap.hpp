#pragma once
// The ZAP handler (ZeroMQ RFC 27): libzmq asks it, for every new connection
// on a socket with a ZAP domain, whether to accept the peer and under which
// User-Id. It runs in the owner's event loop; the decision is the owner's
// policy (e.g. "is this CURVE key enrolled, and as which node?").

#include <functional>
#include <string>

#include "bus/socket.hpp"

namespace herd::bus {

struct ZapRequest {
  std::string domain;
  std::string address;      // peer address; on ipc ends in ":uid:gid:pid"
  std::string mechanism;    // "CURVE" or "NULL"
  std::string client_key;   // CURVE: the client's public key in Z85; empty otherwise
};

struct ZapVerdict {
  bool allow = false;
  std::string user_id;  // becomes the User-Id property of the connection's messages
  std::string reason;   // why refused, for the log
};

class ZapHandler {
 public:
  using Policy = std::function<ZapVerdict(const ZapRequest&)>;

  // Binds inproc://zeromq.zap.01 in `context`: one handler per context.
  ZapHandler(Context& context, Policy policy);

  Socket& socket() { return socket_; }
  // Answers every request waiting; returns how many.
  std::size_t handle_pending();

 private:
  Socket socket_;
  Policy policy_;
};

}  // namespace herd::bus
