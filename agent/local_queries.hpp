#pragma once
// The agent's local socket (/run/herd/agent.sock): any user on the node may
// ask. The caller's uid comes from the kernel (SO_PEERCRED via the ZAP
// handler); the query is forwarded to the controller in a proxy_query on the
// caller's behalf and the answer passed back unchanged. When the controller
// is unreachable, or does not answer within `timeout`, the agent answers
// from its own node's data and says so.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "agent/local_answer.hpp"
#include "bus/event_loop.hpp"
#include "bus/zap.hpp"
#include "common/clock.hpp"
#include "common/log_limiter.hpp"
#include "common/unix_groups.hpp"

namespace herd::agent {

class LocalQueries {
 public:
  struct Hooks {
    // Sends a proxy_query to the controller; false when it could not be sent now.
    std::function<bool(const protocol::ProxyQuery&)> forward;
    std::function<bool()> controller_reachable;
    std::function<OwnNode()> own_node;
  };

  LocalQueries(std::string node, std::string admin_group, std::chrono::milliseconds timeout, const Clock& clock,
               Hooks hooks);
  ~LocalQueries();

  // Binds `endpoint` (ipc://) in `context`, which gets the ZAP handler that
  // reads callers' credentials.
  [[nodiscard]] Status start(bus::Context& context, const std::string& endpoint, bus::EventLoop& loop);

  void on_proxy_reply(const protocol::ProxyReply& reply);
  // Answers locally what the controller has not answered in time.
  void expire();

 private:
  struct Pending {
    std::string routing_id;
    std::string frame;
    reports::Caller caller;
    MonoTime deadline;
  };
  void on_readable();
  void answer_locally(const Pending& pending, std::string_view notice);
  void send(const std::string& routing_id, std::string_view frame);
  [[nodiscard]] protocol::Envelope envelope();

  std::string node_;
  AdminCheck admin_;
  std::chrono::milliseconds timeout_;
  const Clock& clock_;
  Hooks hooks_;
  std::unique_ptr<bus::ZapHandler> zap_;
  std::optional<bus::Socket> socket_;
  bus::EventLoop* loop_ = nullptr;
  std::map<uint64_t, Pending> pending_;
  uint64_t next_request_ = 1;
  uint64_t seq_ = 0;
  LogLimiter log_{10, std::chrono::seconds{60}};
};

}  // namespace herd::agent
