#include "swarm/swarm.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "bus/curve_keys.hpp"
#include "bus/roles.hpp"
#include "common/version.hpp"
#include "protocol/topics.hpp"
#include "swarm/simulated_directory.hpp"

namespace herd::swarm {

struct Swarm::SimulatedAgent {
  std::unique_ptr<agent::Session> session;
  std::unique_ptr<agent::DirectorySync> directory;
  SimulatedDirectory files;
  std::optional<bus::Socket> control;
  std::optional<bus::Socket> publish;
  protocol::Heartbeat figures;
};

Swarm::Swarm(SwarmConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

Swarm::~Swarm() {
  for (auto& a : agents_) {
    if (a->control) loop_.unwatch(*a->control);
    if (a->publish) loop_.unwatch(*a->publish);
  }
}

Status Swarm::start(std::size_t first, std::size_t count) {
  namespace fs = std::filesystem;
  std::vector<std::string> key_files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(config_.keys_dir, ec)) {
    if (entry.path().extension() == ".key") key_files.push_back(entry.path().string());
  }
  if (ec) return fail("cannot read {}: {}", config_.keys_dir, ec.message());
  std::sort(key_files.begin(), key_files.end());
  if (first + count > key_files.size()) {
    return fail("{} has {} keys; agents {}..{} asked for (run `herd-swarm keys` first)", config_.keys_dir,
                key_files.size(), first, first + count - 1);
  }
  auto server = bus::read_public_key_file(config_.controller_public_key);
  if (!server) return std::move(server).error();

  context_ = std::make_unique<bus::Context>(bus::ContextOptions{static_cast<int>(config_.io_threads), 65535});
  const bus::ReconnectPolicy policy{config_.reconnect_min, config_.reconnect_max};
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  for (std::size_t i = first; i < first + count; ++i) {
    auto keys = bus::read_secret_key_file(key_files[i]);
    if (!keys) return std::move(keys).error();
    auto a = std::make_unique<SimulatedAgent>();
    agent::Identity id;
    id.node = keys->name;
    id.hello.agent_version = kVersion;
    id.hello.hostname = keys->name;
    id.hello.instance = rng_() >> 12;
    id.hello.cpus = 64;
    id.hello.heartbeat_interval_ms = static_cast<uint64_t>(config_.heartbeat_interval.count());
    a->session = std::make_unique<agent::Session>(id, clock_);
    auto control = bus::connect_agent_dealer(*context_, config_.controller_endpoint, *keys, server->public_key,
                                             bus::pick_reconnect_interval(policy, draw(rng_)), policy.max);
    if (!control) return std::move(control).error();
    a->control.emplace(std::move(*control));
    auto publish = bus::connect_subscriber(*context_, config_.publish_endpoint, *keys, server->public_key,
                                           bus::pick_reconnect_interval(policy, draw(rng_)), policy.max,
                                           {std::string(protocol::kTopicAll), protocol::node_topic(keys->name)});
    if (!publish) return std::move(publish).error();
    a->publish.emplace(std::move(*publish));
    a->figures.mem_total_bytes = 256ull << 30;
    a->figures.mem_available_bytes = 200ull << 30;
    a->figures.load = {1.0, 1.0, 1.0};

    SimulatedAgent* raw = a.get();
    raw->directory = std::make_unique<agent::DirectorySync>(clock_);
    raw->session->on_directory_revision([this, raw](uint64_t revision) {
      raw->directory->controller_at(revision);
      sync_directory(*raw);
    });
    raw->session->on_publish<protocol::DirectoryUpdate>([this, raw](const protocol::DirectoryUpdate& u) {
      raw->directory->on_update(u);
      sync_directory(*raw);
    });
    raw->session->on_control<protocol::DirectorySnapshot>([this, raw](const protocol::DirectorySnapshot& s) {
      raw->directory->on_snapshot(s);
      sync_directory(*raw);
    });
    loop_.watch(*raw->control, [this, raw] {
      while (auto m = raw->control->receive(2)) {
        if (m->frames.size() != 1 || !raw->session->on_control_frame(m->frame(0))) ++stats_.bad_messages;
      }
    });
    loop_.watch(*raw->publish, [this, raw] {
      while (auto m = raw->publish->receive(3)) {
        if (m->frames.size() != 2 || !raw->session->on_publish_frame(m->frame(0), m->frame(1))) ++stats_.bad_messages;
      }
    });
    // Spread the agents' heartbeats over the interval, as real nodes are.
    const auto offset = std::chrono::milliseconds{
        static_cast<int64_t>(draw(rng_) * static_cast<double>(config_.heartbeat_interval.count()))};
    loop_.after(offset, [this, raw] {
      heartbeat(*raw);
      loop_.every(config_.heartbeat_interval, [this, raw] { heartbeat(*raw); });
    });
    const auto report_offset = std::chrono::milliseconds{
        static_cast<int64_t>(draw(rng_) * static_cast<double>(config_.report_interval.count()))};
    loop_.after(report_offset, [this, raw] {
      report(*raw);
      loop_.every(config_.report_interval, [this, raw] { report(*raw); });
    });
    agents_.push_back(std::move(a));
  }
  stats_.agents = agents_.size();
  if (auto s = loop_.watch_signals({SIGTERM, SIGINT}, [this](int) { loop_.stop(); }); !s) return s;
  loop_.every(std::chrono::seconds{5}, [this] {
    const SwarmStats s = stats();
    spdlog::info("{} agents, {} welcomed, {} heartbeats sent, {} unsent, {} reports sent, {} directory acks, {} bad "
                 "messages",
                 s.agents, s.welcomed, s.heartbeats_sent, s.heartbeats_unsent, s.reports_sent, s.directory_acks,
                 s.bad_messages);
  });
  return {};
}

void Swarm::heartbeat(SimulatedAgent& a) {
  if (auto hello = a.session->due_hello()) {
    if (a.control->send({*hello}) == bus::SendResult::sent) a.session->hello_sent();
  }
  sync_directory(a);  // retries a snapshot request that could not be sent
  a.figures.uptime_ms += static_cast<uint64_t>(config_.heartbeat_interval.count());
  if (a.control->send({a.session->heartbeat(a.figures)}) == bus::SendResult::sent) {
    ++stats_.heartbeats_sent;
  } else {
    ++stats_.heartbeats_unsent;
  }
}

void Swarm::sync_directory(SimulatedAgent& a) {
  if (a.directory->snapshot_due()) {
    protocol::DirectorySnapshotRequest request;
    if (a.control->send({a.session->encode(request)}) == bus::SendResult::sent) a.directory->snapshot_sent();
  }
  if (auto work = a.directory->take_work()) {
    const int64_t today = to_unix_ms(clock_.wall()) / 86'400'000;
    protocol::DirectoryAck ack{work->revision, a.files.apply(work->directory, today)};
    if (a.control->send({a.session->encode(ack)}) == bus::SendResult::sent) ++stats_.directory_acks;
  }
}

void Swarm::report(SimulatedAgent& a) {
  protocol::Report message;
  message.report = fake_report(a.session->node(), static_cast<std::size_t>(config_.fake_users), clock_.wall());
  if (a.control->send({a.session->encode(message)}) == bus::SendResult::sent) ++stats_.reports_sent;
}

protocol::NodeReport fake_report(const std::string& node, std::size_t users, WallTime now) {
  protocol::NodeReport r;
  r.collected_ms = to_unix_ms(now);
  r.duration_ms = 2;
  r.health.uptime_ms = 86'400'000;
  r.health.load = std::array<double, 3>{1.0, 1.0, 1.0};
  r.health.cpus = 64;
  protocol::MountUsage scratch;
  scratch.path = "/scratch";
  scratch.state = protocol::MountState::ok;
  scratch.fs_type = "xfs";
  scratch.total_bytes = 10ull << 40;
  scratch.used_bytes = 4ull << 40;
  r.health.mounts.push_back(scratch);
  protocol::Link eth;
  eth.name = "eth0";
  eth.index = 2;
  eth.oper_state = "up";
  eth.admin_up = true;
  eth.carrier = true;
  r.health.links.push_back(eth);
  r.health.clock = protocol::ClockSync{true, 120, 1000, 200};
  if (users > 0) {
    r.quota_filesystems.push_back({"home", "cephfs", "/home/%u", "mon1:/home", "cephfs:mon1:/home:1", true});
    r.quota_filesystems.push_back({"scratch", "xfs", "/scratch", "/dev/sdb", "xfs:/dev/sdb:" + node, false});
  }
  for (std::size_t i = 0; i < users; ++i) {
    const auto uid = static_cast<uint32_t>(20001 + i);
    protocol::UserQuota home;
    home.filesystem = "home";
    home.uid = uid;
    home.directory = fmt::format("/home/user{}", uid);
    home.bytes_used = (uint64_t{1} << 30) * (i + 1);
    home.bytes_hard = 50ull << 30;
    r.quotas.push_back(home);
    protocol::UserQuota scratch_quota;
    scratch_quota.filesystem = "scratch";
    scratch_quota.uid = uid;
    scratch_quota.bytes_used = 10ull << 30;
    scratch_quota.bytes_soft = 90ull << 30;
    scratch_quota.bytes_hard = 100ull << 30;
    scratch_quota.inodes_used = 1000;
    r.quotas.push_back(scratch_quota);
    protocol::UserSlice slice;
    slice.uid = uid;
    slice.memory_bytes = 1ull << 30;
    slice.memory_max_bytes = 8ull << 30;
    r.slices.push_back(slice);
    protocol::UserUnit unit;
    unit.uid = uid;
    unit.unit = {"docker.service", "loaded", "active", "running", r.collected_ms - 3'600'000};
    r.user_units.push_back(unit);
  }
  return r;
}

void Swarm::run() { loop_.run(); }

SwarmStats Swarm::stats() const {
  SwarmStats s = stats_;
  s.welcomed = static_cast<uint64_t>(
      std::count_if(agents_.begin(), agents_.end(), [](const auto& a) { return a->session->welcomed(); }));
  return s;
}

Status generate_swarm_keys(std::size_t count, const std::string& secret_dir, const std::string& enrol_dir) {
  std::error_code ec;
  std::filesystem::create_directories(secret_dir, ec);
  std::filesystem::create_directories(enrol_dir, ec);
  for (std::size_t i = 1; i <= count; ++i) {
    const std::string name = fmt::format("swarm-{:05}", i);
    auto keys = bus::generate_keypair(name);
    if (!keys) return std::move(keys).error();
    // Throwaway test keys: written plainly, without the fsyncs of herd keys gen.
    const bus::KeyFileTexts texts = bus::format_key_files(*keys);
    const std::string secret_path = secret_dir + "/" + name + ".key";
    std::ofstream(secret_path) << texts.secret;
    std::filesystem::permissions(secret_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 ec);
    std::ofstream(enrol_dir + "/" + name + ".pub") << texts.pub;
    if (ec) return fail("failed to write {}: {}", secret_path, ec.message());
  }
  return {};
}

}  // namespace herd::swarm
