#include "controller/controller.hpp"

#include <csignal>
#include <random>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "bus/peer_credentials.hpp"
#include "bus/roles.hpp"
#include "common/logging.hpp"
#include "common/version.hpp"
#include "controller/metrics_snapshot.hpp"
#include "protocol/topics.hpp"

namespace herd::controller {

using namespace std::chrono_literals;

namespace {

// How often silent nodes are looked for: the delay between down_after
// passing and the node shown down.
constexpr auto kSweepInterval = 100ms;
// Last-seen times of up nodes are written this often, so a controller that
// is killed still knows roughly when each node was last heard.
constexpr auto kCheckpointInterval = 60s;
constexpr auto kKeyRescanInterval = 5s;

uint64_t draw_epoch() {
  // 52 bits: exact in JSON numbers and JavaScript.
  std::random_device device;
  std::uniform_int_distribution<uint64_t> dist(1, (uint64_t{1} << 52) - 1);
  return dist(device);
}

}  // namespace

Controller::Controller(ControllerConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      epoch_(draw_epoch()),
      table_(config_.down_after),
      keyring_(config_.keys_dir),
      enrolment_(config_.enrolment == "pending" ? EnrolmentMode::pending : EnrolmentMode::off),
      admin_check_(config_.admin_group, clock) {}

Controller::~Controller() = default;

Status Controller::start() {
  // Before any thread exists (libzmq's): threads inherit the signal mask.
  if (auto s = loop_.watch_signals({SIGTERM, SIGINT, SIGHUP},
                                   [this](int signal) {
                                     if (signal == SIGHUP) {
                                       reload_keys();
                                     } else {
                                       spdlog::info("received {}, stopping", strsignal(signal));
                                       loop_.stop();
                                     }
                                   });
      !s) {
    return s;
  }
  auto keys = bus::read_secret_key_file(config_.key);
  if (!keys) return context(std::move(keys).error(), "failed to load the controller key");
  server_keys_ = std::move(*keys);

  auto problems = keyring_.reload();
  if (!problems) return std::move(problems).error();
  for (const auto& p : *problems) spdlog::warn("keys: {}", p);
  spdlog::info("{} node keys enrolled from {}", keyring_.size(), keyring_.dir());

  auto store = Store::open(config_.state_db);
  if (!store) return std::move(store).error();
  store_.emplace(std::move(*store));
  auto persisted = store_->load_nodes();
  if (!persisted) return std::move(persisted).error();
  const WallTime now = clock_.wall();
  started_ = now;
  store_->append_event(now, "", "controller_start",
                       fmt::format("herd-controller {} started; {} nodes known", kVersion, persisted->size()));
  for (const Transition& t : table_.restore(*persisted, now)) apply(t);
  if (auto s = restore_directory(); !s) return s;
  if (auto s = restore_key_records(); !s) return s;
  if (auto s = restore_maintenance(); !s) return s;

  context_ = std::make_unique<bus::Context>(bus::ContextOptions{static_cast<int>(config_.io_threads), 65535});
  zap_ = std::make_unique<bus::ZapHandler>(*context_, [this](const bus::ZapRequest& r) { return authorize(r); });
  auto router = bus::bind_agent_router(*context_, config_.agent_endpoint, server_keys_);
  if (!router) return std::move(router).error();
  agent_router_.emplace(std::move(*router));
  auto publisher = bus::bind_publisher(*context_, config_.publish_endpoint, server_keys_);
  if (!publisher) return std::move(publisher).error();
  publisher_.emplace(std::move(*publisher));
  auto query = bus::bind_query_router(*context_, config_.query_socket);
  if (!query) return std::move(query).error();
  query_router_.emplace(std::move(*query));
  if (auto s = start_metrics(); !s) return s;

  loop_.watch(zap_->socket(), [this] { zap_->handle_pending(); });
  install_agent_handlers();
  install_query_handlers();
  install_directory_handlers();
  install_maintenance_handlers();
  loop_.watch(*agent_router_, [this] { on_agent_readable(); });
  loop_.watch(*query_router_, [this] { on_query_readable(); });
  loop_.watch(*publisher_, [this] { on_publish_readable(); });
  install_key_handlers();
  install_timers();
  flush_store();
  spdlog::info("serving agents on {}, publishing on {}, queries on {} (epoch {})", config_.agent_endpoint,
               config_.publish_endpoint, config_.query_socket, epoch_);
  return {};
}

void Controller::run() {
  notifier_.ready(fmt::format("serving; {} nodes known", table_.nodes().size()));
  loop_.run();
  shutdown();
}

void Controller::install_timers() {
  loop_.every(kSweepInterval, [this] {
    probe_overdue_nodes();
    for (const Transition& t : table_.sweep(clock_.monotonic(), clock_.wall())) apply(t);
  });
  // Whatever the handlers of one iteration wrote is committed before the
  // loop sleeps: batches form from what arrived together (a restart storm
  // commits hundreds of events at once) and a crash loses nothing already
  // acted on.
  loop_.before_wait([this] { flush_store(); });
  loop_.every(kCheckpointInterval, [this] { checkpoint_nodes(); });
  loop_.every(config_.tick_interval, [this] { publish_tick(); });
  loop_.every(5s, [this] {
    notifier_.status(fmt::format("{} up, {} down of {} nodes", table_.count(NodeState::up),
                                 table_.count(NodeState::down), table_.nodes().size()));
  });
  if (auto interval = notifier_.watchdog_interval()) loop_.every(*interval, [this] { notifier_.watchdog(); });
  if (!config_.directory_file.empty()) {
    watch_directory_file();
    loop_.every(config_.directory_watch_interval, [this] { watch_directory_file(); });
  }
}

void Controller::apply(const Transition& t) {
  const LogFields fields{{"HERD_NODE", t.node}};
  const bool up = t.to == NodeState::up;
  if (up) {
    spdlog::info("node {} up ({})", t.node, t.reason);
  } else {
    spdlog::warn("node {} down ({})", t.node, t.reason);
  }
  store_->append_event(t.at, t.node, up ? "node_up" : "node_down", t.reason);
  if (const NodeInfo* n = table_.find(t.node)) store_->save_node(to_persisted(*n));
}

void Controller::flush_store() {
  save_key_changes();
  auto s = store_->flush();
  if (s) return;
  // Writes stay pending and are retried on the next iteration.
  const auto decision = store_error_log_.allow(clock_.monotonic());
  if (decision.log) spdlog::error("failed to write the state database: {}", s.error().message);
}

void Controller::checkpoint_nodes() {
  for (const auto& [name, node] : table_.nodes()) {
    if (node.state == NodeState::up) store_->save_node(to_persisted(node));
  }
}

void Controller::probe_overdue_nodes() {
  for (const std::string& node : table_.overdue(clock_.monotonic())) {
    const auto route = routes_.find(node);
    if (route == routes_.end()) continue;
    const std::string frame = protocol::encode_frame(envelope(agent_seq_), protocol::Ping{});
    // ROUTER_MANDATORY: a connection libzmq no longer has is unroutable.
    if (agent_router_->send({route->second, frame}) == bus::SendResult::unroutable) {
      routes_.erase(route);
      if (auto t = table_.connection_closed(node, clock_.wall())) apply(*t);
    }
  }
}

void Controller::publish_tick() {
  protocol::Tick tick;
  tick.epoch = epoch_;
  tick.directory_revision = directory_.revision();
  const std::string frame = protocol::encode_frame(envelope(publish_seq_), tick);
  if (publisher_->send({protocol::kTopicAll, frame}) == bus::SendResult::sent) ++stats_.messages_out;
}

void Controller::shutdown() {
  notifier_.stopping();
  checkpoint_nodes();
  store_->append_event(clock_.wall(), "", "controller_stop", "herd-controller stopped");
  flush_store();
  loop_.unwatch(*agent_router_);
  loop_.unwatch(*query_router_);
  loop_.unwatch(*publisher_);
  loop_.unwatch(zap_->socket());
  metrics_.reset();
  // Leave no socket file behind: clients then know at once nothing listens.
  ::unlink(bus::ipc_path(config_.query_socket).c_str());
}

void Controller::reload_keys() {
  auto problems = keyring_.reload();
  if (!problems) {
    spdlog::error("keys: {}; keeping the {} keys loaded before", problems.error().message, keyring_.size());
    return;
  }
  for (const auto& p : *problems) spdlog::warn("keys: {}", p);
  spdlog::info("{} node keys enrolled from {}", keyring_.size(), keyring_.dir());
}

protocol::Envelope Controller::envelope(uint64_t& seq) const {
  protocol::Envelope e;
  e.sender = "controller";
  e.seq = ++seq;
  e.time_ms = to_unix_ms(clock_.wall());
  return e;
}

bus::ZapVerdict Controller::authorize(const bus::ZapRequest& request) {
  if (request.domain == bus::kLocalDomain) {
    // Local sockets: anyone who can reach the socket file may connect; what
    // they may do is decided per request from their uid.
    if (bus::parse_ipc_peer_address(request.address)) return {true, "local", ""};
    return {false, "", "no peer credentials"};
  }
  if ((request.domain != bus::kAgentDomain && request.domain != bus::kPublishDomain) ||
      request.mechanism != "CURVE") {
    return {false, "", "unexpected ZAP domain or mechanism"};
  }
  auto node = keyring_.node_for(request.client_key);
  if (!node && keyring_.may_rescan(clock_.monotonic(), kKeyRescanInterval)) {
    reload_keys();
    node = keyring_.node_for(request.client_key);
  }
  if (node) return {true, *node, ""};
  return authorize_unknown_key(request);
}

bus::ZapVerdict Controller::authorize_unknown_key(const bus::ZapRequest& request) {
  std::string reason = "key not enrolled";
  bool log = true;
  if (request.domain == bus::kAgentDomain) {
    // Pending, rejected and revoked keys are counted on the agent channel;
    // a new key may be admitted once there to say which node it claims to be.
    const Admission a = enrolment_.admit_unknown(request.client_key, request.address, clock_.monotonic(),
                                                 clock_.wall());
    if (a.kind == Admission::claim) {
      if (claim_log_.allow(clock_.monotonic()).log) {
        const LogFields fields{{"HERD_PEER", request.address}};
        spdlog::info("unknown agent key {} from {}: admitted once to say which node it is (enrolment = \"pending\")",
                     key_fingerprint(request.client_key), request.address);
      }
      return {true, std::string(kClaimUserPrefix) + request.client_key, ""};
    }
    reason = a.reason;
    log = a.log;
  } else if (enrolment_.find(request.client_key) != nullptr) {
    log = false;  // already known, and counted on the agent channel
  }
  ++stats_.refused_connections;
  if (!log) return {false, "", reason};
  const auto decision = refused_log_.allow(clock_.monotonic());
  if (decision.suppressed_before > 0) {
    spdlog::warn("{} more refused connections not logged", decision.suppressed_before);
  }
  if (decision.log) {
    const LogFields fields{{"HERD_PEER", request.address}};
    spdlog::warn("refused agent connection from {}: key {}: {} (keys_dir {})", request.address,
                 request.client_key, reason, keyring_.dir());
  }
  return {false, "", reason};
}

Status Controller::start_metrics() {
  if (config_.metrics_listen.empty()) return {};
  auto address = parse_listen_address(config_.metrics_listen);
  if (!address) return context(std::move(address).error(), "metrics_listen");
  metrics_ = std::make_unique<MetricsServer>(loop_, clock_, [this] { return metrics_text(); });
  if (auto s = metrics_->listen(*address); !s) return s;
  spdlog::info("serving Prometheus metrics on http://{}/metrics", config_.metrics_listen);
  return {};
}

std::string Controller::metrics_text() const {
  MetricsSnapshot s = make_metrics_snapshot(table_, directory_);
  s.version = std::string(kVersion);
  s.start_time_seconds = static_cast<double>(to_unix_ms(started_)) / 1000.0;
  ControllerCounters& c = s.counters;
  c.messages_received = stats_.messages_in;
  c.messages_sent = stats_.messages_out;
  c.messages_unsent = stats_.unsent;
  c.bad_messages = stats_.bad_messages;
  c.refused_connections = stats_.refused_connections;
  c.queries = stats_.queries_by_kind;
  c.directory_applies = stats_.directory_applies;
  c.directory_results = stats_.directory_results;
  return render_metrics(s);
}

void Controller::bad_message(std::string_view channel, std::string_view peer, std::string_view problem) {
  ++stats_.bad_messages;
  const auto decision = bad_message_log_.allow(clock_.monotonic());
  if (decision.suppressed_before > 0) spdlog::warn("{} more bad messages not logged", decision.suppressed_before);
  if (decision.log) {
    const LogFields fields{{"HERD_PEER", peer}};
    spdlog::warn("dropped bad message on the {} from {}: {}", channel, peer, problem);
  }
}

}  // namespace herd::controller
