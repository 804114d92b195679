#include "agent/agent.hpp"

#include <csignal>
#include <cstring>
#include <random>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "bus/roles.hpp"
#include "collectors/proc.hpp"
#include "common/logging.hpp"
#include "common/version.hpp"
#include "reports/change.hpp"
#include "protocol/topics.hpp"

namespace herd::agent {

namespace {
constexpr int kControlBatch = 64;
}  // namespace

Identity make_identity(const bus::CurveKeyPair& keys, std::chrono::milliseconds heartbeat_interval) {
  Identity id;
  id.node = keys.name;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  id.hello.agent_version = kVersion;
  id.hello.hostname = host;
  std::random_device device;
  id.hello.instance = std::uniform_int_distribution<uint64_t>(1, (uint64_t{1} << 52) - 1)(device);
  id.hello.cpus = static_cast<uint32_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  id.hello.heartbeat_interval_ms = static_cast<uint64_t>(heartbeat_interval.count());
  if (auto up = collectors::read_uptime()) {
    id.hello.boot_time_ms = to_unix_ms(std::chrono::system_clock::now()) - up->count();
  }
  return id;
}

Agent::Agent(AgentConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      started_(clock.wall()),
      heartbeat_source_(config_.collectors.proc_root),
      redial_(config_.reconnect_min, config_.reconnect_max) {}

Agent::~Agent() {
  if (collection_) loop_.unwatch_fd(collection_->ready_fd());
  if (directory_worker_) loop_.unwatch_fd(directory_worker_->ready_fd());
}

Status Agent::start() {
  // Before any thread exists (libzmq's, the collectors'): threads inherit the mask.
  if (auto s = loop_.watch_signals({SIGTERM, SIGINT},
                                   [this](int signal) {
                                     spdlog::info("received {}, stopping", strsignal(signal));
                                     loop_.stop();
                                   });
      !s) {
    return s;
  }
  auto keys = bus::read_secret_key_file(config_.key);
  if (!keys) return context(std::move(keys).error(), "failed to load this node's key");
  auto server = bus::read_public_key_file(config_.controller_public_key);
  if (!server) return context(std::move(server).error(), "failed to load the controller's public key");
  set_log_field("HERD_NODE", keys->name);

  session_ = std::make_unique<Session>(make_identity(*keys, config_.heartbeat_interval), clock_);
  context_ = std::make_unique<bus::Context>();
  std::random_device device;
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  const bus::ReconnectPolicy policy{config_.reconnect_min, config_.reconnect_max};
  auto control = bus::connect_agent_dealer(*context_, config_.controller_endpoint, *keys, server->public_key,
                                           bus::pick_reconnect_interval(policy, draw(device)), policy.max);
  if (!control) return std::move(control).error();
  control_.emplace(std::move(*control));
  // At once, before the first handshake can finish: its refusal must be seen.
  control_monitor_ = std::make_unique<bus::HandshakeMonitor>(*context_, *control_, "control");
  auto publish = bus::connect_subscriber(
      *context_, config_.publish_endpoint, *keys, server->public_key,
      bus::pick_reconnect_interval(policy, draw(device)), policy.max,
      {std::string(protocol::kTopicAll), protocol::node_topic(keys->name)});
  if (!publish) return std::move(publish).error();
  publish_.emplace(std::move(*publish));
  publish_monitor_ = std::make_unique<bus::HandshakeMonitor>(*context_, *publish_, "publish");

  auto collection = collectors::Collection::create(
      clock_, collectors::make_collectors(config_.collectors, config_.checks, clock_), config_.checks);
  if (!collection) return std::move(collection).error();
  collection_ = std::move(*collection);

  if (config_.manage_directory) {
    directory_sync_ = std::make_unique<DirectorySync>(clock_);
    directory::ApplyOptions options;
    options.root = config_.directory_root;
    options.clock = &clock_;
    directory_worker_ = std::make_unique<DirectoryWorker>(options);
    if (auto s = directory_worker_->start(); !s) return s;
    session_->on_directory_revision([this](uint64_t revision) {
      directory_sync_->controller_at(revision);
      sync_directory();
    });
    session_->on_publish<protocol::DirectoryUpdate>([this](const protocol::DirectoryUpdate& u) {
      directory_sync_->on_update(u);
      sync_directory();
    });
    session_->on_control<protocol::DirectorySnapshot>([this](const protocol::DirectorySnapshot& s) {
      directory_sync_->on_snapshot(s);
      sync_directory();
    });
    loop_.watch_fd(directory_worker_->ready_fd(), [this] { on_directory_applied(); });
  } else {
    // Not managing users here: the directory's messages are expected, and ignored.
    session_->on_publish<protocol::DirectoryUpdate>([](const protocol::DirectoryUpdate&) {});
    session_->on_control<protocol::DirectorySnapshot>([](const protocol::DirectorySnapshot&) {});
  }

  if (!config_.local_socket.empty()) {
    LocalQueries::Hooks hooks;
    hooks.forward = [this](const protocol::ProxyQuery& q) {
      return control_->send({session_->encode(q)}) == bus::SendResult::sent;
    };
    hooks.controller_reachable = [this] { return !session_->controller_silent(); };
    hooks.own_node = [this] { return own_node(); };
    local_queries_ = std::make_unique<LocalQueries>(keys->name, config_.admin_group, config_.query_timeout, clock_,
                                                    std::move(hooks));
    if (auto s = local_queries_->start(*context_, config_.local_socket, loop_); !s) return s;
    session_->on_control<protocol::ProxyReply>(
        [this](const protocol::ProxyReply& r) { local_queries_->on_proxy_reply(r); });
    loop_.every(std::chrono::milliseconds{200}, [this] { local_queries_->expire(); });
  }

  loop_.watch(*control_, [this] { on_control_readable(); });
  loop_.watch(*publish_, [this] { on_publish_readable(); });
  loop_.watch(control_monitor_->socket(), [this] { control_monitor_->drain(); });
  loop_.watch(publish_monitor_->socket(), [this] { publish_monitor_->drain(); });
  loop_.watch_fd(collection_->ready_fd(), [this] { on_report_ready(); });
  loop_.every(config_.heartbeat_interval, [this] { on_heartbeat_timer(); });
  loop_.every(config_.collect_interval, [this] { collection_->request(); });
  loop_.every(std::chrono::seconds{1}, [this] {
    watch_controller_state();
    maybe_redial();
  });
  if (auto interval = notifier_.watchdog_interval()) loop_.every(*interval, [this] { notifier_.watchdog(); });
  spdlog::info("node {}: connecting to {} and {}", keys->name, config_.controller_endpoint, config_.publish_endpoint);
  return {};
}

void Agent::run() {
  notifier_.ready(fmt::format("node {}: waiting for the controller at {}", session_->node(),
                              config_.controller_endpoint));
  on_heartbeat_timer();  // say hello at once rather than one interval later
  collection_->request();
  loop_.run();
  notifier_.stopping();
  loop_.unwatch(control_monitor_->socket());
  loop_.unwatch(publish_monitor_->socket());
  loop_.unwatch(*control_);
  loop_.unwatch(*publish_);
}

void Agent::on_heartbeat_timer() {
  if (auto hello = session_->due_hello()) {
    if (control_->send({*hello}) == bus::SendResult::sent) session_->hello_sent();
  }
  std::string error;
  last_heartbeat_ = heartbeat_source_.sample(&error);
  if (!error.empty() && warn_log_.allow(clock_.monotonic()).log) spdlog::warn("heartbeat: {}", error);
  // Not connected (ZMQ_IMMEDIATE): the heartbeat is dropped, not queued.
  if (control_->send({session_->heartbeat(last_heartbeat_)}) != bus::SendResult::sent) ++unsent_;
  if (directory_sync_) {
    sync_directory();  // retries a snapshot request that could not be sent
    send_directory_ack();
  }
}

void Agent::sync_directory() {
  if (directory_sync_->snapshot_due()) {
    protocol::DirectorySnapshotRequest request;
    if (directory_sync_->revision() > 0) request.have_revision = directory_sync_->revision();
    if (control_->send({session_->encode(request)}) == bus::SendResult::sent) directory_sync_->snapshot_sent();
  }
  if (auto work = directory_sync_->take_work()) {
    spdlog::info("applying directory revision {} into {}", work->revision, config_.directory_root);
    directory_worker_->submit(std::move(*work));
  }
}

void Agent::on_directory_applied() {
  auto outcome = directory_worker_->take();
  if (!outcome) return;
  const auto& r = outcome->result;
  const LogFields fields{{"HERD_REVISION", std::to_string(outcome->revision)}};
  if (r.applied) {
    spdlog::info("directory revision {} applied in {:.1f} ms: users +{} ~{} -{}, groups +{} ~{} -{}, {} files written",
                 outcome->revision, static_cast<double>(r.duration_us) / 1000.0, r.users_added, r.users_changed,
                 r.users_removed, r.groups_added, r.groups_changed, r.groups_removed, r.files_written);
  } else {
    spdlog::error("directory revision {} refused; the node keeps its files: {}", outcome->revision,
                  r.errors.empty() ? "no reason" : r.errors.front());
  }
  for (const auto& w : r.warnings) spdlog::warn("directory revision {}: {}", outcome->revision, w);
  unsent_ack_ = protocol::DirectoryAck{outcome->revision, std::move(outcome->result)};
  send_directory_ack();
}

void Agent::send_directory_ack() {
  // Kept until sent: a controller that was away still learns the outcome.
  if (!unsent_ack_) return;
  if (control_->send({session_->encode(*unsent_ack_)}) == bus::SendResult::sent) unsent_ack_.reset();
}

void Agent::on_report_ready() {
  auto report = collection_->take();
  if (!report) return;  // a spurious wake-up
  latest_report_ = std::move(*report);
  const uint64_t fingerprint = reports::state_fingerprint(*latest_report_);
  const bool changed = sent_fingerprint_ != fingerprint;
  const bool due = !report_sent_at_ || clock_.monotonic() - *report_sent_at_ >= config_.report_interval;
  if (changed || due) send_report();
}

void Agent::send_report() {
  protocol::Report message;
  message.report = *latest_report_;
  if (control_->send({session_->encode(message)}) != bus::SendResult::sent) {
    ++unsent_;
    return;  // sent with the next collection
  }
  sent_fingerprint_ = reports::state_fingerprint(*latest_report_);
  report_sent_at_ = clock_.monotonic();
}

OwnNode Agent::own_node() {
  OwnNode own;
  protocol::NodeStatus& s = own.status;
  s.name = session_->node();
  s.state = protocol::NodeState::up;
  s.since_ms = to_unix_ms(started_);
  s.last_seen_ms = to_unix_ms(clock_.wall());
  s.uptime_ms = last_heartbeat_.uptime_ms;
  s.load = last_heartbeat_.load;
  s.mem_total_bytes = last_heartbeat_.mem_total_bytes;
  s.mem_available_bytes = last_heartbeat_.mem_available_bytes;
  if (latest_report_) {
    s.health = latest_report_->verdict;
    s.report_ms = latest_report_->collected_ms;
    own.report = &*latest_report_;
  }
  return own;
}

void Agent::on_control_readable() {
  for (int i = 0; i < kControlBatch; ++i) {
    auto message = control_->receive(2);
    if (!message) return;
    if (message->frames.size() != 1) continue;
    if (auto s = session_->on_control_frame(message->frame(0)); !s) {
      if (warn_log_.allow(clock_.monotonic()).log) spdlog::warn("bad message from the controller: {}", s.error().message);
    }
  }
  watch_controller_state();
}

void Agent::on_publish_readable() {
  for (int i = 0; i < kControlBatch; ++i) {
    auto message = publish_->receive(3);
    if (!message) return;
    if (message->frames.size() != 2) continue;
    if (auto s = session_->on_publish_frame(message->frame(0), message->frame(1)); !s) {
      if (warn_log_.allow(clock_.monotonic()).log) spdlog::warn("bad publication: {}", s.error().message);
    }
  }
  watch_controller_state();
}

void Agent::maybe_redial() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random);
  const bool refused = control_monitor_->refused() || publish_monitor_->refused();
  if (!redial_.due(clock_.monotonic(), refused, draw)) return;
  // A refused handshake (key pending, rejected or revoked) is not retried by
  // libzmq; dial again so an accepted key gets in on its own.
  if (warn_log_.allow(clock_.monotonic()).log) {
    spdlog::warn("the controller refused this node's key (not enrolled, pending, rejected or revoked); dialling "
                 "again, next in {} ms",
                 redial_.interval().count());
  }
  if (control_monitor_->refused()) {
    if (auto s = control_->redial(config_.controller_endpoint); !s) spdlog::warn("{}", s.error().message);
  }
  if (publish_monitor_->refused()) {
    if (auto s = publish_->redial(config_.publish_endpoint); !s) spdlog::warn("{}", s.error().message);
  }
}

void Agent::watch_controller_state() {
  const bool silent = session_->controller_silent();
  if (silent == was_silent_) return;
  was_silent_ = silent;
  if (silent) {
    spdlog::warn("controller silent for {} s; reconnecting in the background", kControllerSilence.count());
    notifier_.status(fmt::format("node {}: controller at {} silent; retrying", session_->node(),
                                 config_.controller_endpoint));
  } else {
    spdlog::info("controller reachable at {}", config_.controller_endpoint);
    notifier_.status(fmt::format("node {}: connected to {}", session_->node(), config_.controller_endpoint));
    // A controller that just came back knows nothing of this node's state.
    if (latest_report_) send_report();
  }
}

}  // namespace herd::agent
