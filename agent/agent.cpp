#include "agent/agent.hpp"

#include <csignal>
#include <cstring>
#include <random>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "bus/roles.hpp"
#include "collectors/proc.hpp"
#include "common/version.hpp"
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

Agent::Agent(AgentConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

Agent::~Agent() = default;

Status Agent::start() {
  auto keys = bus::read_secret_key_file(config_.key);
  if (!keys) return context(std::move(keys).error(), "failed to load this node's key");
  auto server = bus::read_public_key_file(config_.controller_public_key);
  if (!server) return context(std::move(server).error(), "failed to load the controller's public key");

  session_ = std::make_unique<Session>(make_identity(*keys, config_.heartbeat_interval), clock_);
  context_ = std::make_unique<bus::Context>();
  std::random_device device;
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  const bus::ReconnectPolicy policy{config_.reconnect_min, config_.reconnect_max};
  auto control = bus::connect_agent_dealer(*context_, config_.controller_endpoint, *keys, server->public_key,
                                           bus::pick_reconnect_interval(policy, draw(device)), policy.max);
  if (!control) return std::move(control).error();
  control_.emplace(std::move(*control));
  auto publish = bus::connect_subscriber(
      *context_, config_.publish_endpoint, *keys, server->public_key,
      bus::pick_reconnect_interval(policy, draw(device)), policy.max,
      {std::string(protocol::kTopicAll), protocol::node_topic(keys->name)});
  if (!publish) return std::move(publish).error();
  publish_.emplace(std::move(*publish));

  if (auto s = loop_.watch_signals({SIGTERM, SIGINT},
                                   [this](int signal) {
                                     spdlog::info("received {}, stopping", strsignal(signal));
                                     loop_.stop();
                                   });
      !s) {
    return s;
  }
  loop_.watch(*control_, [this] { on_control_readable(); });
  loop_.watch(*publish_, [this] { on_publish_readable(); });
  loop_.every(config_.heartbeat_interval, [this] { on_heartbeat_timer(); });
  loop_.every(std::chrono::seconds{1}, [this] { watch_controller_state(); });
  if (auto interval = notifier_.watchdog_interval()) loop_.every(*interval, [this] { notifier_.watchdog(); });
  spdlog::info("node {}: connecting to {} and {}", keys->name, config_.controller_endpoint, config_.publish_endpoint);
  return {};
}

void Agent::run() {
  notifier_.ready(fmt::format("node {}: waiting for the controller at {}", session_->node(),
                              config_.controller_endpoint));
  on_heartbeat_timer();  // say hello at once rather than one interval later
  loop_.run();
  notifier_.stopping();
  loop_.unwatch(*control_);
  loop_.unwatch(*publish_);
}

void Agent::send(std::string_view frame) {
  if (control_->send({frame}) != bus::SendResult::sent) ++unsent_heartbeats_;
}

void Agent::on_heartbeat_timer() {
  if (auto hello = session_->due_hello()) {
    if (control_->send({*hello}) == bus::SendResult::sent) session_->hello_sent();
  }
  std::string error;
  const protocol::Heartbeat hb = heartbeat_source_.sample(&error);
  if (!error.empty() && warn_log_.allow(clock_.monotonic()).log) spdlog::warn("heartbeat: {}", error);
  // Not connected (ZMQ_IMMEDIATE): the heartbeat is dropped, not queued.
  send(session_->heartbeat(hb));
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
  }
}

}  // namespace herd::agent
