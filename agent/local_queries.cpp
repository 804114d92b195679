#include "agent/local_queries.hpp"

#include <spdlog/spdlog.h>

#include "bus/peer_credentials.hpp"
#include "bus/roles.hpp"

namespace herd::agent {

namespace {
// A query frame from a local user: one screenful of JSON-sized requests at most.
constexpr int64_t kMaxLocalFrame = 1 << 20;
constexpr std::size_t kMaxPending = 1024;
constexpr int kBatch = 64;
}  // namespace

LocalQueries::LocalQueries(std::string node, std::string admin_group, std::chrono::milliseconds timeout,
                           const Clock& clock, Hooks hooks)
    : node_(std::move(node)), admin_(std::move(admin_group), clock), timeout_(timeout), clock_(clock),
      hooks_(std::move(hooks)) {}

LocalQueries::~LocalQueries() {
  if (loop_ != nullptr) {
    if (socket_) loop_->unwatch(*socket_);
    if (zap_) loop_->unwatch(zap_->socket());
  }
}

Status LocalQueries::start(bus::Context& context, const std::string& endpoint, bus::EventLoop& loop) {
  zap_ = std::make_unique<bus::ZapHandler>(context, [](const bus::ZapRequest& r) {
    if (r.domain == bus::kLocalDomain && bus::parse_ipc_peer_address(r.address)) return bus::ZapVerdict{true, "local", ""};
    return bus::ZapVerdict{false, "", "not a local caller"};
  });
  auto socket = bus::bind_query_router(context, endpoint, kMaxLocalFrame);
  if (!socket) return std::move(socket).error();
  socket_.emplace(std::move(*socket));
  loop_ = &loop;
  loop.watch(zap_->socket(), [this] { zap_->handle_pending(); });
  loop.watch(*socket_, [this] { on_readable(); });
  return {};
}

protocol::Envelope LocalQueries::envelope() {
  protocol::Envelope e;
  e.sender = node_;
  e.seq = ++seq_;
  e.time_ms = to_unix_ms(clock_.wall());
  return e;
}

void LocalQueries::send(const std::string& routing_id, std::string_view frame) {
  // A caller that went away is no one's problem.
  (void)socket_->send({routing_id, frame});
}

void LocalQueries::on_readable() {
  for (int i = 0; i < kBatch; ++i) {
    auto message = socket_->receive(4);
    if (!message) return;
    const auto creds = bus::parse_ipc_peer_address(message->peer_address);
    if (message->frames.size() != 2 || !creds) continue;
    const std::string routing_id(message->frame(0));
    const reports::Caller caller{creds->uid, admin_.is_admin(creds->uid)};
    // Garbage gets an error reply here; only well-formed queries travel on.
    auto frame = protocol::decode_frame(message->frame(1));
    std::string problem;
    if (!frame) {
      problem = frame.error().message;
    } else if (!is_user_query(frame->envelope.type)) {
      problem = fmt::format("\"{}\" is not a query this socket answers", frame->envelope.type.substr(0, 64));
    }
    if (!problem.empty()) {
      if (log_.allow(clock_.monotonic()).log) spdlog::warn("bad query from uid {}: {}", caller.uid, problem);
      protocol::ErrorReply error;
      error.code = "bad_request";
      error.message = problem;
      send(routing_id, protocol::encode_frame(envelope(), error));
      continue;
    }
    Pending pending{routing_id, std::string(message->frame(1)), caller, clock_.monotonic() + timeout_};
    if (!hooks_.controller_reachable() || pending_.size() >= kMaxPending) {
      answer_locally(pending, "the controller cannot be reached: showing this node only");
      continue;
    }
    const uint64_t id = next_request_++;
    protocol::ProxyQuery query;
    query.request_id = id;
    query.uid = caller.uid;
    query.admin = caller.admin;
    query.frame.data = pending.frame;
    if (!hooks_.forward(query)) {
      answer_locally(pending, "the controller cannot be reached: showing this node only");
      continue;
    }
    pending_.emplace(id, std::move(pending));
  }
}

void LocalQueries::on_proxy_reply(const protocol::ProxyReply& reply) {
  auto it = pending_.find(reply.request_id);
  if (it == pending_.end()) return;  // answered locally already
  send(it->second.routing_id, reply.frame.data);
  pending_.erase(it);
}

void LocalQueries::expire() {
  const MonoTime now = clock_.monotonic();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    answer_locally(it->second, "the controller did not answer in time: showing this node only");
    it = pending_.erase(it);
  }
}

void LocalQueries::answer_locally(const Pending& pending, std::string_view notice) {
  auto frame = protocol::decode_frame(pending.frame);
  if (!frame) return;  // checked on arrival
  send(pending.routing_id, local_answer(*frame, pending.caller, hooks_.own_node(), notice, envelope()));
}

}  // namespace herd::agent
