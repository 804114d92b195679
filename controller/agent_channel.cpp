// The agent channel: hello and heartbeats from agents, welcome back.

#include <spdlog/spdlog.h>

#include "common/version.hpp"
#include "controller/controller.hpp"

namespace herd::controller {

namespace {
// Messages taken from the agent socket before other sockets get a turn:
// at ~45 µs each, 128 keep a status query from waiting more than ~6 ms
// behind a flood of heartbeats.
constexpr int kAgentBatch = 128;
}  // namespace

void Controller::install_agent_handlers() {
  agent_dispatch_.on<protocol::Hello>(
      [this](const protocol::Envelope& e, const protocol::Hello& m, const AgentPeer& p) { on_hello(e, m, p); });
  agent_dispatch_.on<protocol::Heartbeat>(
      [this](const protocol::Envelope& e, const protocol::Heartbeat& m, const AgentPeer& p) { on_heartbeat(e, m, p); });
  agent_dispatch_.on<protocol::Report>(
      [this](const protocol::Envelope& e, const protocol::Report& m, const AgentPeer& p) { on_report(e, m, p); });
  agent_dispatch_.on<protocol::ProxyQuery>(
      [this](const protocol::Envelope& e, const protocol::ProxyQuery& m, const AgentPeer& p) {
        on_proxy_query(e, m, p);
      });
}

void Controller::on_agent_readable() {
  for (int i = 0; i < kAgentBatch; ++i) {
    auto message = agent_router_->receive(4);
    if (!message) return;
    ++stats_.messages_in;
    const std::string& node = message->user_id;
    if (node.starts_with(kClaimUserPrefix)) {
      on_claim(*message);  // never dispatched: it only says which node a pending key claims to be
      continue;
    }
    if (!keyring_.key_of(node)) {
      // Admitted before its key was revoked or its file removed: its
      // connection is closed now, and its reconnect is refused.
      close_source(*message);
      continue;
    }
    remember_connection(node, *message);
    if (message->frames.size() != 2) {
      bad_message("agent channel", node, fmt::format("expected 2 frames, got {}", message->frames.size()));
      continue;
    }
    auto frame = protocol::decode_frame(message->frame(1));
    if (!frame) {
      bad_message("agent channel", node, frame.error().message);
      continue;
    }
    // The envelope's sender must be the node the connection authenticated
    // as: an agent cannot speak for another node.
    if (frame->envelope.sender != node) {
      bad_message("agent channel", node,
                  fmt::format("sender \"{}\" is not the connection's node", frame->envelope.sender.substr(0, 64)));
      continue;
    }
    const AgentPeer peer{node, std::string(message->frame(0))};
    routes_[node] = peer.routing_id;
    if (auto s = agent_dispatch_.dispatch(*frame, peer); !s) bad_message("agent channel", node, s.error().message);
  }
}

void Controller::heard_from(const std::string& node) {
  if (auto t = table_.heard_from(node, clock_.monotonic(), clock_.wall())) apply(*t);
}

void Controller::on_hello(const protocol::Envelope&, const protocol::Hello& hello, const AgentPeer& peer) {
  heard_from(peer.node);
  table_.record_hello(peer.node, hello);
  if (const NodeInfo* n = table_.find(peer.node)) store_->save_node(to_persisted(*n));
  spdlog::debug("hello from {} (agent {}, host {})", peer.node, hello.agent_version, hello.hostname);
  protocol::Welcome welcome;
  welcome.epoch = epoch_;
  welcome.controller_version = kVersion;
  welcome.down_after_ms = static_cast<uint64_t>(config_.down_after.count());
  welcome.directory_revision = directory_.revision();
  send_to_agent(peer, welcome);
}

void Controller::on_heartbeat(const protocol::Envelope&, const protocol::Heartbeat& hb, const AgentPeer& peer) {
  heard_from(peer.node);
  table_.record_heartbeat(peer.node, hb);
}

void Controller::on_report(const protocol::Envelope&, const protocol::Report& report, const AgentPeer& peer) {
  heard_from(peer.node);
  table_.record_report(peer.node, report.report);
}

void Controller::on_proxy_query(const protocol::Envelope&, const protocol::ProxyQuery& query, const AgentPeer& peer) {
  heard_from(peer.node);
  QueryPeer asker;
  asker.routing_id = peer.routing_id;
  asker.proxy_request = query.request_id;
  asker.via_node = peer.node;
  asker.caller = {query.uid, query.admin};
  dispatch_query(query.frame.data, asker);
}

void Controller::send_agent_frame(const AgentPeer& peer, const std::string& frame) {
  if (agent_router_->send({peer.routing_id, frame}) == bus::SendResult::sent) {
    ++stats_.messages_out;
  } else {
    ++stats_.unsent;
  }
}

}  // namespace herd::controller
