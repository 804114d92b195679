// Key enrolment: unknown keys waiting as pending, and the admin's
// `herd keys list|accept|reject|revoke` on the query socket. The decisions
// are the pure Enrolment's; this file does the I/O: the ZAP claim
// connection, the key file, SQLite, the event log and closing connections.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "bus/tcp_connection.hpp"
#include "common/atomic_file.hpp"
#include "common/logging.hpp"
#include "controller/controller.hpp"
#include "protocol/node_name.hpp"

namespace herd::controller {

namespace {
// Subscriptions taken from the publish socket per turn.
constexpr int kSubscriptionBatch = 256;
// Connections remembered per node (agent and publish channel, plus ones
// being replaced by a reconnect).
constexpr std::size_t kConnectionsPerNode = 6;

std::string key_file(const std::string& dir, const std::string& node) { return dir + "/" + node + ".pub"; }

protocol::KeyState to_wire(KeyStatus s) {
  switch (s) {
    case KeyStatus::pending: return protocol::KeyState::pending;
    case KeyStatus::rejected: return protocol::KeyState::rejected;
    case KeyStatus::revoked: return protocol::KeyState::revoked;
  }
  return protocol::KeyState::pending;
}

std::string_view action_name(protocol::KeyAction a) {
  return protocol::EnumNames<protocol::KeyAction>::names[static_cast<std::size_t>(a)];
}

}  // namespace

void Controller::install_key_handlers() {
  query_dispatch_.on<protocol::KeysListQuery>(
      [this](const protocol::Envelope& e, const protocol::KeysListQuery& q, const QueryPeer& p) {
        on_keys_list(e, q, p);
      });
  query_dispatch_.on<protocol::KeyDecision>(
      [this](const protocol::Envelope& e, const protocol::KeyDecision& d, const QueryPeer& p) {
        on_key_decision(e, d, p);
      });
}

Status Controller::restore_key_records() {
  auto records = store_->load_key_records();
  if (!records) return std::move(records).error();
  std::size_t pending = 0;
  for (const KeyRecord& r : *records) {
    if (r.status == KeyStatus::pending) ++pending;
    if (r.status != KeyStatus::pending && keyring_.node_for(r.public_key)) {
      // keys_dir is the source of truth: an admin put the file back.
      spdlog::warn("key {} of node {} is {} by {}, but keys_dir has it as {}: the file wins",
                   key_fingerprint(r.public_key), r.name, key_status_text(r.status), r.decided_by,
                   *keyring_.node_for(r.public_key));
    }
  }
  spdlog::info("enrolment = \"{}\"; {} keys pending, {} rejected or revoked", config_.enrolment, pending,
               records->size() - pending);
  enrolment_.restore(std::move(*records));
  return {};
}

void Controller::save_key_changes() {
  auto changes = enrolment_.take_changes();
  for (const KeyRecord& r : changes.saved) store_->save_key_record(r);
  for (const std::string& key : changes.removed) store_->remove_key_record(key);
}

void Controller::remember_connection(const std::string& node, const bus::Message& message) {
  if (message.source_fd < 0) return;
  auto& list = connections_[node];
  for (const PeerConnection& c : list) {
    if (c.fd == message.source_fd) return;  // known: no system call per message
  }
  auto peer = bus::tcp_peer_of(message.source_fd);
  if (!peer) return;
  if (list.size() >= kConnectionsPerNode) list.erase(list.begin());
  list.push_back({message.source_fd, std::move(*peer)});
}

void Controller::close_source(const bus::Message& message) {
  // The message may have waited in a queue while its connection closed and
  // the descriptor was reused: close only if the peer is still the sender's
  // address.
  const auto peer = bus::tcp_peer_of(message.source_fd);
  if (!peer || !peer->starts_with(message.peer_address + ":")) return;
  if (bus::close_tcp_connection(message.source_fd, *peer)) {
    spdlog::info("closed the connection of {} from {}: not enrolled", message.user_id.substr(0, 64), *peer);
  }
}

std::size_t Controller::disconnect_node(const std::string& node) {
  std::size_t closed = 0;
  if (auto it = connections_.find(node); it != connections_.end()) {
    for (const PeerConnection& c : it->second) {
      if (bus::close_tcp_connection(c.fd, c.peer)) ++closed;
    }
    connections_.erase(it);
  }
  routes_.erase(node);
  if (auto t = table_.connection_closed(node, clock_.wall())) {
    t->reason = "key revoked";
    apply(*t);
  }
  return closed;
}

void Controller::on_publish_readable() {
  for (int i = 0; i < kSubscriptionBatch; ++i) {
    auto message = publisher_->receive(2);
    if (!message) return;
    // Subscriptions: "\x01TOPIC" (or "\x00TOPIC" when one ends); agents send
    // them right after connecting, which is when their connection is learnt.
    if (message->frames.size() != 1 || message->user_id.empty()) continue;
    const std::string& node = message->user_id;
    if (!keyring_.key_of(node)) {
      close_source(*message);
      continue;
    }
    remember_connection(node, *message);
  }
}

void Controller::on_claim(const bus::Message& message) {
  const std::string key = message.user_id.substr(kClaimUserPrefix.size());
  if (!enrolment_.awaiting_claim(key)) return;  // the rest of a claim connection already closed
  // Whatever it sent, a claim connection is closed at once: it never gets
  // an answer, and nothing it sent is dispatched.
  if (const auto peer = bus::tcp_peer_of(message.source_fd)) bus::close_tcp_connection(message.source_fd, *peer);
  std::string name;
  if (message.frames.size() == 2) {
    if (auto frame = protocol::decode_frame(message.frame(1));
        frame && protocol::validate_node_name(frame->envelope.sender)) {
      name = frame->envelope.sender;
    }
  }
  const std::string fingerprint = key_fingerprint(key);
  if (name.empty()) {
    enrolment_.claim_failed(key);
    bad_message("agent channel", "pending key " + fingerprint, "its first message does not say a valid node name");
    return;
  }
  const auto enrolled_key = keyring_.key_of(name);
  const auto result = enrolment_.claim(key, name, message.peer_address, enrolled_key, clock_.wall());
  const LogFields fields{{"HERD_NODE", name}, {"HERD_PEER", message.peer_address}};
  std::string detail;
  if (result.conflict) {
    detail = fmt::format("key {} from {} claims node {}, which is enrolled with another key ({}): refused; to "
                         "replace that key, revoke it first",
                         fingerprint, message.peer_address, name, key_fingerprint(*enrolled_key));
    spdlog::warn("{}", detail);
  } else {
    detail = fmt::format("key {} from {} claims node {}: pending; `herd keys accept {}` enrols it", fingerprint,
                         message.peer_address, name, name);
    spdlog::info("{}", detail);
  }
  store_->append_event(clock_.wall(), name, "key_pending", detail);
}

void Controller::on_keys_list(const protocol::Envelope&, const protocol::KeysListQuery&, const QueryPeer& peer) {
  if (!admin_allowed(peer, "herd keys list")) return;
  protocol::KeysListReply answer;
  answer.enrolment = config_.enrolment;
  for (const auto& [node, key] : keyring_.keys_by_node()) {
    answer.enrolled.push_back({node, key_fingerprint(key), key});
  }
  std::sort(answer.enrolled.begin(), answer.enrolled.end(),
            [](const auto& a, const auto& b) { return a.node < b.node; });
  for (const auto& [key, r] : enrolment_.records()) {
    protocol::KeyEntry e;
    e.public_key = key;
    e.fingerprint = key_fingerprint(key);
    e.state = to_wire(r.status);
    e.node = r.name;
    e.address = r.address;
    e.first_seen_ms = to_unix_ms(r.first_seen);
    e.last_seen_ms = to_unix_ms(r.last_seen);
    e.attempts = r.attempts;
    if (r.status != KeyStatus::pending) {
      e.decided_ms = to_unix_ms(r.decided_at);
      e.decided_by = r.decided_by;
    }
    const auto enrolled = keyring_.key_of(r.name);
    e.conflict = r.status == KeyStatus::pending && enrolled && *enrolled != key;
    answer.keys.push_back(std::move(e));
  }
  std::sort(answer.keys.begin(), answer.keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a.node, a.state, a.last_seen_ms) < std::tie(b.node, b.state, b.last_seen_ms);
  });
  reply(peer, answer);
}

void Controller::on_key_decision(const protocol::Envelope&, const protocol::KeyDecision& d, const QueryPeer& peer) {
  if (!admin_allowed(peer, fmt::format("herd keys {}", action_name(d.action)))) return;
  if (auto s = protocol::validate_node_name(d.node); !s) return reply_error(peer, "bad_request", s.error().message);
  switch (d.action) {
    case protocol::KeyAction::accept: return accept_key(d, peer);
    case protocol::KeyAction::reject: return reject_key(d, peer);
    case protocol::KeyAction::revoke: return revoke_key(d, peer);
  }
}

void Controller::accept_key(const protocol::KeyDecision& d, const QueryPeer& peer) {
  const std::string who = user_label(peer.caller.uid);
  const auto enrolled = keyring_.key_of(d.node);
  auto decision = enrolment_.prepare_accept(d.node, d.key.value_or(""), enrolled);
  if (!decision.ok()) {
    spdlog::warn("herd keys accept {} by {} refused: {}", d.node, who, decision.error.message);
    return reply_error(peer, decision.error.code, decision.error.message);
  }
  const std::string key = decision.value->public_key;
  const std::string fingerprint = key_fingerprint(key);
  if (!enrolled) {
    // Atomic: the keyring (and an admin's SIGHUP) sees the old directory or
    // the new file complete, never half of it.
    const bus::CurveKeyPair pub{d.node, key, ""};
    const std::string path = key_file(keyring_.dir(), d.node);
    if (auto s = write_file_atomic(path, bus::format_key_files(pub).pub, {0644}); !s) {
      spdlog::error("herd keys accept {} by {}: {}", d.node, who, s.error().message);
      return reply_error(peer, "unavailable", s.error().message);
    }
    reload_keys();
    if (keyring_.key_of(d.node) != key) {
      return reply_error(peer, "unavailable",
                         fmt::format("wrote {}, but the keyring did not take it (see the controller's log)", path));
    }
  }
  enrolment_.accepted(key);
  record_key_decision(d.node, "key_accepted", fmt::format("key {} of node {} accepted by {}", fingerprint, d.node, who),
                      who, spdlog::level::info);
  reply(peer, protocol::KeyDecisionReply{d.action, d.node, fingerprint,
                                         fmt::format("enrolled {} as {}; it is admitted on its next connection "
                                                     "attempt",
                                                     fingerprint, key_file(keyring_.dir(), d.node))});
}

void Controller::reject_key(const protocol::KeyDecision& d, const QueryPeer& peer) {
  const std::string who = user_label(peer.caller.uid);
  auto decision = enrolment_.reject(d.node, d.key.value_or(""), who, clock_.wall());
  if (!decision.ok()) {
    spdlog::warn("herd keys reject {} by {} refused: {}", d.node, who, decision.error.message);
    return reply_error(peer, decision.error.code, decision.error.message);
  }
  const std::string fingerprint = key_fingerprint(decision.value->public_key);
  record_key_decision(d.node, "key_rejected",
                      fmt::format("key {} claiming node {} rejected by {}", fingerprint, d.node, who), who,
                      spdlog::level::info);
  reply(peer, protocol::KeyDecisionReply{d.action, d.node, fingerprint,
                                         fmt::format("rejected {}: refused from now on", fingerprint)});
}

void Controller::revoke_key(const protocol::KeyDecision& d, const QueryPeer& peer) {
  const std::string who = user_label(peer.caller.uid);
  const auto key = keyring_.key_of(d.node);
  if (!key) {
    const std::string message = fmt::format("node \"{}\" is not enrolled (no key {} in force)", d.node,
                                            key_file(keyring_.dir(), d.node));
    spdlog::warn("herd keys revoke {} by {} refused: {}", d.node, who, message);
    return reply_error(peer, "not_found", message);
  }
  const std::string fingerprint = key_fingerprint(*key);
  // The record first, durably: the audit trail must not depend on the
  // removal of the file succeeding.
  enrolment_.revoke(d.node, *key, who, clock_.wall());
  flush_store();
  const std::string path = key_file(keyring_.dir(), d.node);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    const std::string message = fmt::format("revoked key {} of {} is recorded, but removing {} failed: {}; remove "
                                            "it and send SIGHUP",
                                            fingerprint, d.node, path, std::strerror(errno));
    spdlog::error("herd keys revoke {} by {}: {}", d.node, who, message);
    return reply_error(peer, "unavailable", message);
  }
  reload_keys();
  const std::size_t closed = disconnect_node(d.node);
  record_key_decision(d.node, "key_revoked",
                      fmt::format("key {} of node {} revoked by {}; {} connections closed", fingerprint, d.node,
                                  who, closed),
                      who, spdlog::level::warn);
  reply(peer, protocol::KeyDecisionReply{d.action, d.node, fingerprint,
                                         fmt::format("revoked {}: {} removed, {} connections closed, refused from "
                                                     "now on",
                                                     fingerprint, path, closed)});
}

// A decision is logged with the node's journal field and is an event with
// who made it, stored before the admin hears back.
void Controller::record_key_decision(const std::string& node, std::string kind, std::string detail,
                                     const std::string& who, spdlog::level::level_enum level) {
  {
    const LogFields fields{{"HERD_NODE", node}};
    spdlog::log(level, "{}", detail);
  }
  store_->append_event(EventRecord{clock_.wall(), node, std::move(kind), std::move(detail), who, {}});
  flush_store();
}

}  // namespace herd::controller
