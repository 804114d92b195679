#pragma once
// herd-controller: one event loop serving the agent channel (ROUTER), the
// publish channel (PUB), the local query socket (ROUTER over ipc) and the
// ZAP handler, with the node table in memory and SQLite behind it. No thread
// per node: every node is an entry in a map and a connection in libzmq.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <spdlog/common.h>

#include "bus/curve_keys.hpp"
#include "bus/event_loop.hpp"
#include "bus/zap.hpp"
#include "common/clock.hpp"
#include "common/log_limiter.hpp"
#include "common/service_notifier.hpp"
#include "common/unix_groups.hpp"
#include "controller/config.hpp"
#include "controller/directory_state.hpp"
#include "controller/enrolment.hpp"
#include "controller/keyring.hpp"
#include "controller/maintenance.hpp"
#include "controller/metrics_server.hpp"
#include "controller/node_table.hpp"
#include "controller/store.hpp"
#include "protocol/dispatcher.hpp"
#include "reports/user_selection.hpp"

namespace herd::controller {

struct ControllerStats {
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
  uint64_t bad_messages = 0;
  uint64_t refused_connections = 0;
  uint64_t queries = 0;
  uint64_t unsent = 0;  // replies to peers that were gone or too slow
  // For /metrics: queries by message kind ("invalid" when undecodable),
  // directory proposals and nodes' directory results by outcome. Every
  // outcome starts at 0 so its series exists from the first scrape.
  std::map<std::string, uint64_t> queries_by_kind{{"invalid", 0}};
  std::map<std::string, uint64_t> directory_applies{
      {"committed", 0}, {"unchanged", 0}, {"invalid", 0}, {"store_failed", 0}};
  std::map<std::string, uint64_t> directory_results{{"applied", 0}, {"failed", 0}};
};

// Who sent a message on the agent channel: the ZAP-authenticated node name
// and the ROUTER routing id to answer it on.
struct AgentPeer {
  std::string node;
  std::string routing_id;
};

// Who asked a query and where the answer goes: back on the local query
// socket, or (proxy_request set) back through the agent that forwarded a
// node-local user's query. The caller's uid comes from the kernel either way.
struct QueryPeer {
  std::string routing_id;
  std::optional<uint64_t> proxy_request;
  std::string via_node;  // the forwarding node; empty on the query socket
  reports::Caller caller;
  [[nodiscard]] std::string describe() const;
};

class Controller {
 public:
  Controller(ControllerConfig config, const Clock& clock);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Opens the store, loads the keys, binds every socket. Any failure here is
  // fatal for the daemon and says what and where.
  [[nodiscard]] Status start();
  // Serves until SIGTERM or SIGINT; SIGHUP rereads keys_dir.
  void run();

 private:
  // Set-up (controller.cpp)
  void install_timers();
  void apply(const Transition& t);
  void flush_store();
  void checkpoint_nodes();
  void publish_tick();
  void probe_overdue_nodes();
  void shutdown();
  void reload_keys();
  [[nodiscard]] protocol::Envelope envelope(uint64_t& seq) const;
  bus::ZapVerdict authorize(const bus::ZapRequest& request);
  void bad_message(std::string_view channel, std::string_view peer, std::string_view problem);
  // /metrics (controller.cpp): renders on the loop, which owns the state.
  [[nodiscard]] Status start_metrics();
  [[nodiscard]] std::string metrics_text() const;

  // Agent channel (agent_channel.cpp)
  void install_agent_handlers();
  void on_agent_readable();
  void on_hello(const protocol::Envelope& e, const protocol::Hello& hello, const AgentPeer& peer);
  void on_heartbeat(const protocol::Envelope& e, const protocol::Heartbeat& hb, const AgentPeer& peer);
  void on_report(const protocol::Envelope& e, const protocol::Report& report, const AgentPeer& peer);
  void on_proxy_query(const protocol::Envelope& e, const protocol::ProxyQuery& query, const AgentPeer& peer);
  void heard_from(const std::string& node);
  template <typename T>
  void send_to_agent(const AgentPeer& peer, const T& body) {
    send_agent_frame(peer, protocol::encode_frame(envelope(agent_seq_), body));
  }
  void send_agent_frame(const AgentPeer& peer, const std::string& frame);

  // The directory (directory_channel.cpp)
  void install_directory_handlers();
  [[nodiscard]] Status restore_directory();
  void on_snapshot_request(const protocol::Envelope& e, const protocol::DirectorySnapshotRequest& r,
                           const AgentPeer& peer);
  void on_directory_ack(const protocol::Envelope& e, const protocol::DirectoryAck& ack, const AgentPeer& peer);
  void on_directory_apply(const protocol::Envelope& e, const protocol::DirectoryApply& r, const QueryPeer& peer);
  void on_directory_diff(const protocol::Envelope& e, const protocol::DirectoryDiff& r, const QueryPeer& peer);
  void on_directory_status(const protocol::Envelope& e, const protocol::DirectoryStatusQuery& r,
                           const QueryPeer& peer);
  // Stores and publishes a proposal that changes something; false if the
  // revision could not be stored (nothing is published then).
  bool commit_revision(DirectoryState::Proposal& proposal);
  void watch_directory_file();
  // Admin commands: only on the head node's socket, only root or the admin group.
  [[nodiscard]] bool admin_allowed(const QueryPeer& peer, std::string_view command);

  // Key enrolment (keys_channel.cpp)
  void install_key_handlers();
  [[nodiscard]] Status restore_key_records();
  bus::ZapVerdict authorize_unknown_key(const bus::ZapRequest& request);
  void on_claim(const bus::Message& message);
  void on_publish_readable();
  // Remembers which TCP connection (ZMQ_SRCFD) carries `node`'s messages or
  // subscriptions, so a revoke can close it.
  void remember_connection(const std::string& node, const bus::Message& message);
  // Closes the connection a message came from (a node no longer enrolled).
  void close_source(const bus::Message& message);
  std::size_t disconnect_node(const std::string& node);
  void save_key_changes();
  void on_keys_list(const protocol::Envelope& e, const protocol::KeysListQuery& q, const QueryPeer& peer);
  void on_key_decision(const protocol::Envelope& e, const protocol::KeyDecision& d, const QueryPeer& peer);
  void accept_key(const protocol::KeyDecision& d, const QueryPeer& peer);
  void reject_key(const protocol::KeyDecision& d, const QueryPeer& peer);
  void revoke_key(const protocol::KeyDecision& d, const QueryPeer& peer);
  void record_key_decision(const std::string& node, std::string kind, std::string detail, const std::string& who,
                           spdlog::level::level_enum level);
  // Maintenance (maintenance_channel.cpp)
  void install_maintenance_handlers();
  // Loads what the store keeps and ends what expired while the controller was away.
  [[nodiscard]] Status restore_maintenance();
  void on_maintenance_set(const protocol::Envelope& e, const protocol::MaintenanceSet& r, const QueryPeer& peer);
  // Puts steps the store has committed into the node table; re-arms the expiry timer.
  void apply_maintenance(const std::vector<MaintenanceStep>& steps);
  void arm_maintenance_expiry();
  void end_expired_maintenance();

  // Query socket (query_channel.cpp)
  void install_query_handlers();
  void on_query_readable();
  void on_status_query(const protocol::Envelope& e, const protocol::StatusQuery& q, const QueryPeer& peer);
  void on_events_query(const protocol::Envelope& e, const protocol::EventsQuery& q, const QueryPeer& peer);
  void on_node_query(const protocol::Envelope& e, const protocol::NodeQuery& q, const QueryPeer& peer);
  void on_quota_query(const protocol::Envelope& e, const protocol::QuotaQuery& q, const QueryPeer& peer);
  void on_daemon_query(const protocol::Envelope& e, const protocol::DaemonQuery& q, const QueryPeer& peer);
  void dispatch_query(std::string_view frame, const QueryPeer& peer);
  void forbidden(const QueryPeer& peer, std::string message);
  template <typename T>
  void reply(const QueryPeer& peer, const T& body) {
    reply_frame(peer, protocol::encode_frame(envelope(query_seq_), body));
  }
  void reply_frame(const QueryPeer& peer, std::string frame);
  void reply_error(const QueryPeer& peer, std::string_view code, std::string message);

  ControllerConfig config_;
  const Clock& clock_;
  uint64_t epoch_ = 0;
  ControllerStats stats_;
  NodeTable table_;
  Keyring keyring_;
  Enrolment enrolment_;
  struct PeerConnection {
    int fd = -1;
    std::string peer;  // "ADDRESS:PORT", to tell a reused descriptor from this connection
  };
  // The latest TCP connections of each node on the agent and publish channels.
  std::unordered_map<std::string, std::vector<PeerConnection>> connections_;
  std::optional<Store> store_;
  bus::CurveKeyPair server_keys_;
  std::unique_ptr<bus::Context> context_;
  std::unique_ptr<bus::ZapHandler> zap_;
  std::optional<bus::Socket> agent_router_;
  std::optional<bus::Socket> publisher_;
  std::optional<bus::Socket> query_router_;
  bus::EventLoop loop_;
  protocol::Dispatcher<AgentPeer> agent_dispatch_;
  protocol::Dispatcher<QueryPeer> query_dispatch_;
  // The routing id of each node's latest connection: where replies and
  // pings go. Updated by every message.
  std::unordered_map<std::string, std::string> routes_;
  uint64_t agent_seq_ = 0;
  uint64_t publish_seq_ = 0;
  uint64_t query_seq_ = 0;
  LogLimiter bad_message_log_{20, std::chrono::seconds{10}};
  LogLimiter refused_log_{20, std::chrono::seconds{10}};
  LogLimiter claim_log_{20, std::chrono::seconds{10}};
  LogLimiter store_error_log_{1, std::chrono::seconds{30}};
  ServiceNotifier notifier_;
  AdminCheck admin_check_;
  DirectoryState directory_;
  std::optional<bus::TimerId> maintenance_timer_;  // the next end of a maintenance, if any has one
  struct WatchedFile {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    uint64_t inode = 0;
  } watched_;
  WallTime started_{};
  // Last: it watches loop_ and must go before it.
  std::unique_ptr<MetricsServer> metrics_;
};

}  // namespace herd::controller
