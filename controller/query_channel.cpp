// The local query socket: status and events for the CLI and the console.

#include <spdlog/spdlog.h>

#include "bus/peer_credentials.hpp"
#include "controller/controller.hpp"
#include "controller/status_view.hpp"

namespace herd::controller {

namespace {
constexpr int kQueryBatch = 64;
constexpr uint32_t kMaxEvents = 100'000;
}  // namespace

void Controller::install_query_handlers() {
  query_dispatch_.on<protocol::StatusQuery>(
      [this](const protocol::Envelope& e, const protocol::StatusQuery& q, const QueryPeer& p) {
        on_status_query(e, q, p);
      });
  query_dispatch_.on<protocol::EventsQuery>(
      [this](const protocol::Envelope& e, const protocol::EventsQuery& q, const QueryPeer& p) {
        on_events_query(e, q, p);
      });
}

void Controller::on_query_readable() {
  for (int i = 0; i < kQueryBatch; ++i) {
    auto message = query_router_->receive(4);
    if (!message) return;
    ++stats_.messages_in;
    ++stats_.queries;
    const auto creds = bus::parse_ipc_peer_address(message->peer_address);
    if (message->frames.size() != 2 || !creds) {
      bad_message("query socket", message->peer_address, "expected one frame from a local peer");
      continue;
    }
    const QueryPeer peer{std::string(message->frame(0)), creds->uid, creds->gid};
    auto frame = protocol::decode_frame(message->frame(1));
    if (!frame) {
      bad_message("query socket", fmt::format("uid {}", peer.uid), frame.error().message);
      reply_error(peer, "bad_request", frame.error().message);
      continue;
    }
    if (auto s = query_dispatch_.dispatch(*frame, peer); !s) {
      bad_message("query socket", fmt::format("uid {}", peer.uid), s.error().message);
      reply_error(peer, "bad_request", s.error().message);
    }
  }
}

void Controller::on_status_query(const protocol::Envelope&, const protocol::StatusQuery& q, const QueryPeer& peer) {
  reply(peer, make_status_reply(table_, q, epoch_));
}

void Controller::on_events_query(const protocol::Envelope&, const protocol::EventsQuery& q, const QueryPeer& peer) {
  flush_store();  // include what happened in the last moments
  EventFilter filter;
  filter.node = q.node;
  if (q.since_ms) filter.since = from_unix_ms(*q.since_ms);
  filter.limit = std::min(q.limit.value_or(1000), kMaxEvents);
  auto events = store_->events(filter);
  if (!events) {
    spdlog::error("events query failed: {}", events.error().message);
    reply_error(peer, "unavailable", events.error().message);
    return;
  }
  protocol::EventsReply r;
  r.events = std::move(*events);
  reply(peer, r);
}

template <typename T>
void Controller::reply(const QueryPeer& peer, const T& body) {
  const std::string frame = protocol::encode_frame(envelope(query_seq_), body);
  if (query_router_->send({peer.routing_id, frame}) == bus::SendResult::sent) {
    ++stats_.messages_out;
  } else {
    ++stats_.unsent;
  }
}

void Controller::reply_error(const QueryPeer& peer, std::string_view code, std::string message) {
  protocol::ErrorReply error;
  error.code = std::string(code);
  error.message = std::move(message);
  reply(peer, error);
}

}  // namespace herd::controller
