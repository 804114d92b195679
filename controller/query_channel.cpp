// Queries: from the local query socket, and from node-local users through
// their agent (proxy_query). Both end in the same handlers, which only ever
// see the caller's kernel-reported uid and admin standing.

#include <spdlog/spdlog.h>

#include "bus/peer_credentials.hpp"
#include "controller/controller.hpp"
#include "controller/status_view.hpp"
#include "reports/views.hpp"

namespace herd::controller {

namespace {
constexpr int kQueryBatch = 64;
constexpr uint32_t kMaxEvents = 100'000;

std::vector<reports::NodeReportRef> report_refs(const NodeTable& table) {
  std::vector<reports::NodeReportRef> refs;
  for (const auto& [name, node] : table.nodes()) {
    if (node.report) refs.push_back({name, &*node.report});
  }
  return refs;
}

}  // namespace

std::string QueryPeer::describe() const {
  if (via_node.empty()) return fmt::format("uid {} on the query socket", caller.uid);
  return fmt::format("uid {} on node {}", caller.uid, via_node);
}

void Controller::install_query_handlers() {
  query_dispatch_.on<protocol::StatusQuery>(
      [this](const protocol::Envelope& e, const protocol::StatusQuery& q, const QueryPeer& p) {
        on_status_query(e, q, p);
      });
  query_dispatch_.on<protocol::EventsQuery>(
      [this](const protocol::Envelope& e, const protocol::EventsQuery& q, const QueryPeer& p) {
        on_events_query(e, q, p);
      });
  query_dispatch_.on<protocol::NodeQuery>(
      [this](const protocol::Envelope& e, const protocol::NodeQuery& q, const QueryPeer& p) { on_node_query(e, q, p); });
  query_dispatch_.on<protocol::QuotaQuery>(
      [this](const protocol::Envelope& e, const protocol::QuotaQuery& q, const QueryPeer& p) {
        on_quota_query(e, q, p);
      });
  query_dispatch_.on<protocol::DaemonQuery>(
      [this](const protocol::Envelope& e, const protocol::DaemonQuery& q, const QueryPeer& p) {
        on_daemon_query(e, q, p);
      });
}

void Controller::on_query_readable() {
  for (int i = 0; i < kQueryBatch; ++i) {
    auto message = query_router_->receive(4);
    if (!message) return;
    ++stats_.messages_in;
    const auto creds = bus::parse_ipc_peer_address(message->peer_address);
    if (message->frames.size() != 2 || !creds) {
      bad_message("query socket", message->peer_address, "expected one frame from a local peer");
      continue;
    }
    QueryPeer peer;
    peer.routing_id = std::string(message->frame(0));
    peer.caller = {creds->uid, admin_check_.is_admin(creds->uid)};
    dispatch_query(message->frame(1), peer);
  }
}

void Controller::dispatch_query(std::string_view bytes, const QueryPeer& peer) {
  ++stats_.queries;
  auto frame = protocol::decode_frame(bytes);
  if (!frame) {
    ++stats_.queries_by_kind["invalid"];
    bad_message("query socket", peer.describe(), frame.error().message);
    reply_error(peer, "bad_request", frame.error().message);
    return;
  }
  if (auto s = query_dispatch_.dispatch(*frame, peer); !s) {
    ++stats_.queries_by_kind["invalid"];
    bad_message("query socket", peer.describe(), s.error().message);
    reply_error(peer, "bad_request", s.error().message);
    return;
  }
  // Only types the dispatcher accepted become a label value: the set stays bounded.
  ++stats_.queries_by_kind[frame->envelope.type];
}

void Controller::forbidden(const QueryPeer& peer, std::string message) {
  spdlog::warn("refused a query of {}: {}", peer.describe(), message);
  reply_error(peer, "forbidden", std::move(message));
}

void Controller::on_status_query(const protocol::Envelope&, const protocol::StatusQuery& q, const QueryPeer& peer) {
  reply(peer, make_status_reply(table_, q, epoch_, &directory_));
}

void Controller::on_node_query(const protocol::Envelope&, const protocol::NodeQuery& q, const QueryPeer& peer) {
  const NodeInfo* node = table_.find(q.node);
  if (node == nullptr) {
    reply_error(peer, "not_found", fmt::format("no node named \"{}\"", q.node.substr(0, 255)));
    return;
  }
  protocol::NodeReply r;
  r.status = node_status(*node, &directory_);
  if (node->report) {
    // Everyone may see a node's health; per-user rows are the caller's own
    // unless the caller is an admin.
    const reports::UserSelection users{peer.caller.admin, peer.caller.uid};
    r.report = reports::filter_report(*node->report, users);
  }
  reply(peer, r);
}

void Controller::on_quota_query(const protocol::Envelope&, const protocol::QuotaQuery& q, const QueryPeer& peer) {
  auto users = reports::select_users(peer.caller, q.uid, q.all_users);
  if (!users) return forbidden(peer, users.error().message);
  const auto refs = report_refs(table_);
  reply(peer, reports::quota_view(refs, *users));
}

void Controller::on_daemon_query(const protocol::Envelope&, const protocol::DaemonQuery& q, const QueryPeer& peer) {
  auto users = reports::select_users(peer.caller, q.uid, q.all_users);
  if (!users) return forbidden(peer, users.error().message);
  if (q.node && table_.find(*q.node) == nullptr) {
    reply_error(peer, "not_found", fmt::format("no node named \"{}\"", q.node->substr(0, 255)));
    return;
  }
  const auto refs = report_refs(table_);
  reply(peer, reports::daemon_view(refs, *users, q.node));
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

void Controller::reply_frame(const QueryPeer& peer, std::string frame) {
  bus::SendResult sent;
  if (peer.proxy_request) {
    protocol::ProxyReply proxied;
    proxied.request_id = *peer.proxy_request;
    proxied.frame.data = std::move(frame);
    sent = agent_router_->send({peer.routing_id, protocol::encode_frame(envelope(agent_seq_), proxied)});
  } else {
    sent = query_router_->send({peer.routing_id, frame});
  }
  if (sent == bus::SendResult::sent) {
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
