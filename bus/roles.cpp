#include "bus/roles.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/stat.h>

namespace herd::bus {
namespace {

// The kernel caps the accept queue at net.core.somaxconn (4096 on Debian 12);
// libzmq's default of 100 made 9,900 reconnecting agents take 170 s instead
// of 35 s (NOTES-zeromq.md).
constexpr int kListenBacklog = 4096;

void make_curve_server(Socket& s, const CurveKeyPair& server, std::string_view domain) {
  s.raw().set(zmq::sockopt::curve_server, true);
  s.raw().set(zmq::sockopt::curve_secretkey, server.secret_key);
  s.raw().set(zmq::sockopt::zap_domain, std::string(domain));
}

void make_curve_client(Socket& s, const CurveKeyPair& client, const std::string& server_public) {
  s.raw().set(zmq::sockopt::curve_serverkey, server_public);
  s.raw().set(zmq::sockopt::curve_publickey, client.public_key);
  s.raw().set(zmq::sockopt::curve_secretkey, client.secret_key);
}

void set_reconnect(Socket& s, std::chrono::milliseconds ivl, std::chrono::milliseconds max) {
  s.raw().set(zmq::sockopt::reconnect_ivl, static_cast<int>(ivl.count()));
  s.raw().set(zmq::sockopt::reconnect_ivl_max, static_cast<int>(max.count()));
  // Notice a controller host that vanished without closing the connection.
  s.raw().set(zmq::sockopt::tcp_keepalive, 1);
  s.raw().set(zmq::sockopt::tcp_keepalive_idle, 30);
  s.raw().set(zmq::sockopt::tcp_keepalive_intvl, 10);
  s.raw().set(zmq::sockopt::tcp_keepalive_cnt, 3);
}

template <typename Configure>
Result<Socket> make(Context& context, zmq::socket_type type, std::string description, Configure configure) {
  try {
    Socket s(context, type, std::move(description));
    configure(s);
    return s;
  } catch (const zmq::error_t& e) {
    return fail("failed to set up {}: {}", description, e.what());
  }
}

}  // namespace

std::string ipc_path(const std::string& endpoint) {
  constexpr std::string_view prefix = "ipc://";
  if (endpoint.rfind(prefix, 0) != 0) return {};
  return endpoint.substr(prefix.size());
}

std::chrono::milliseconds pick_reconnect_interval(const ReconnectPolicy& policy, double draw) {
  draw = std::clamp(draw, 0.0, 0.999999);
  const auto base = static_cast<double>(policy.min.count());
  return std::chrono::milliseconds{static_cast<int64_t>(std::floor(base + base * draw))};
}

Result<Socket> bind_agent_router(Context& context, const std::string& endpoint, const CurveKeyPair& server) {
  auto socket = make(context, zmq::socket_type::router, "agent channel (ROUTER)", [&](Socket& s) {
    make_curve_server(s, server, kAgentDomain);
    s.raw().set(zmq::sockopt::maxmsgsize, kMaxAgentFrame);
    s.raw().set(zmq::sockopt::backlog, kListenBacklog);
    // Report an agent that is gone instead of silently dropping what we send it.
    s.raw().set(zmq::sockopt::router_mandatory, true);
    s.raw().set(zmq::sockopt::sndhwm, 100);
    s.raw().set(zmq::sockopt::rcvhwm, 100'000);
  });
  if (!socket) return socket;
  if (auto st = socket->bind(endpoint); !st) return std::move(st).error();
  return socket;
}

Result<Socket> bind_publisher(Context& context, const std::string& endpoint, const CurveKeyPair& server) {
  auto socket = make(context, zmq::socket_type::xpub, "publish channel (XPUB)", [&](Socket& s) {
    make_curve_server(s, server, kPublishDomain);
    s.raw().set(zmq::sockopt::xpub_verbose, 1);
    // Subscribers only send subscriptions; anything large is hostile.
    s.raw().set(zmq::sockopt::maxmsgsize, int64_t{4096});
    s.raw().set(zmq::sockopt::backlog, kListenBacklog);
    s.raw().set(zmq::sockopt::sndhwm, 10'000);
  });
  if (!socket) return socket;
  if (auto st = socket->bind(endpoint); !st) return std::move(st).error();
  return socket;
}

Result<Socket> bind_query_router(Context& context, const std::string& endpoint, int64_t max_frame) {
  const std::string path = ipc_path(endpoint);
  if (path.empty()) {
    return fail("query socket {} must be an ipc:// endpoint: remote users query through their node's agent",
                endpoint);
  }
  auto socket = make(context, zmq::socket_type::router, "query socket (ROUTER)", [&](Socket& s) {
    // NULL mechanism, but with a ZAP domain so every connection goes through
    // the ZAP handler, which records the caller's uid (SO_PEERCRED).
    s.raw().set(zmq::sockopt::zap_domain, std::string(kLocalDomain));
    s.raw().set(zmq::sockopt::maxmsgsize, max_frame);
    s.raw().set(zmq::sockopt::router_mandatory, true);
  });
  if (!socket) return socket;
  if (auto st = socket->bind(endpoint); !st) return std::move(st).error();
  if (::chmod(path.c_str(), 0666) != 0) {
    return fail("failed to make query socket {} accessible: {}", path, std::strerror(errno));
  }
  return socket;
}

Result<Socket> connect_agent_dealer(Context& context, const std::string& endpoint, const CurveKeyPair& client,
                                    const std::string& server_public, std::chrono::milliseconds reconnect_ivl,
                                    std::chrono::milliseconds reconnect_max) {
  auto socket = make(context, zmq::socket_type::dealer, "controller channel (DEALER)", [&](Socket& s) {
    make_curve_client(s, client, server_public);
    set_reconnect(s, reconnect_ivl, reconnect_max);
    s.raw().set(zmq::sockopt::maxmsgsize, kMaxControlFrame);
    // Never queue heartbeats while disconnected: after a controller restart
    // thousands of agents would flush stale ones at once.
    s.raw().set(zmq::sockopt::immediate, true);
    s.raw().set(zmq::sockopt::sndhwm, 16);
  });
  if (!socket) return socket;
  if (auto st = socket->connect(endpoint); !st) return std::move(st).error();
  return socket;
}

Result<Socket> connect_subscriber(Context& context, const std::string& endpoint, const CurveKeyPair& client,
                                  const std::string& server_public, std::chrono::milliseconds reconnect_ivl,
                                  std::chrono::milliseconds reconnect_max, const std::vector<std::string>& topics) {
  auto socket = make(context, zmq::socket_type::sub, "publish channel (SUB)", [&](Socket& s) {
    make_curve_client(s, client, server_public);
    set_reconnect(s, reconnect_ivl, reconnect_max);
    s.raw().set(zmq::sockopt::maxmsgsize, kMaxControlFrame);
    for (const auto& topic : topics) s.raw().set(zmq::sockopt::subscribe, topic);
  });
  if (!socket) return socket;
  if (auto st = socket->connect(endpoint); !st) return std::move(st).error();
  return socket;
}

Result<Socket> connect_query_dealer(Context& context, const std::string& endpoint) {
  auto socket = make(context, zmq::socket_type::dealer, "query client (DEALER)", [&](Socket& s) {
    s.raw().set(zmq::sockopt::maxmsgsize, kMaxQueryFrame);
  });
  if (!socket) return socket;
  if (auto st = socket->connect(endpoint); !st) return std::move(st).error();
  return socket;
}

}  // namespace herd::bus
