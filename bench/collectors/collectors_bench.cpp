// The cost of one full collection on this machine, and the encoded size of
// a node report (docs/performance.md, "Collectors").
//
//   build/bench/collectors/bench_collectors --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include "collectors/collection.hpp"
#include "collectors/proc_collector.hpp"
#include "protocol/codec.hpp"

namespace herd::collectors {
namespace {

std::size_t encoded_size(const protocol::NodeReport& report) {
  msgpack::sbuffer buffer;
  protocol::Packer packer(buffer);
  protocol::Codec<protocol::NodeReport>::encode(packer, report);
  return buffer.size();
}

CollectorsConfig this_machine() {
  CollectorsConfig config = default_collectors_config();
  config.mounts = {"/", "/dev/shm"};
  config.system_units = {"sshd.service", "slurmd.service"};
  return config;
}

// Every default collector against this machine's real sources (systemd is
// not running here: its collector fails fast, which understates a real node by
// one bus round trip per unit).
void BM_FullCollection(benchmark::State& state) {
  SystemClock clock;
  HealthChecks checks;
  auto collectors = make_collectors(this_machine(), checks, clock);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto report = collect_report(clock, collectors, checks);
    bytes = encoded_size(report);
    benchmark::DoNotOptimize(report);
  }
  state.counters["report_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_FullCollection)->Unit(benchmark::kMillisecond);

void BM_ProcOnly(benchmark::State& state) {
  SystemClock clock;
  ProcCollector proc(clock);
  for (auto _ : state) {
    protocol::NodeReport report;
    proc.collect(report);
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_ProcOnly)->Unit(benchmark::kMicrosecond);

// A typical compute node: 6 mounts, 4 links, 8 configured units, 20 user
// slices, 10 user units, quota rows for `users` users on one local scratch
// filesystem and a shared CephFS home.
protocol::NodeReport typical_report(uint32_t users) {
  protocol::NodeReport r;
  r.collected_ms = 1'763'900'000'000;
  r.duration_ms = 12;
  auto& h = r.health;
  h.uptime_ms = 86'400'000;
  h.load = std::array<double, 3>{12.5, 11.9, 10.2};
  h.cpus = 64;
  h.cpu = protocol::CpuUse{10'000, 0.83, 0.80, 0.02, 0.01, 0};
  h.memory = protocol::Memory{256ull << 30, 120ull << 30, 100ull << 30, 0, 0};
  h.processes = protocol::Processes{812, 2400, 64, 0, 1'234'567};
  h.oom_kills = 2;
  for (const char* path : {"/", "/scratch", "/home", "/apps", "/tmp", "/var/spool/slurmd"}) {
    protocol::MountUsage m;
    m.path = path;
    m.state = protocol::MountState::ok;
    m.fs_type = "xfs";
    m.source = "/dev/nvme0n1p2";
    m.read_only = false;
    m.total_bytes = 3ull << 40, m.used_bytes = 1ull << 40, m.available_bytes = 2ull << 40;
    m.inodes_total = 100'000'000, m.inodes_free = 90'000'000;
    h.mounts.push_back(m);
  }
  for (const char* name : {"lo", "eno1", "ib0", "docker0"}) {
    protocol::Link l;
    l.name = name, l.index = static_cast<uint32_t>(h.links.size() + 1), l.oper_state = "up", l.admin_up = true;
    l.carrier = true, l.mtu = 1500, l.mac = "3c:ec:ef:12:34:56";
    l.rx_bytes = l.tx_bytes = 123'456'789'012, l.rx_packets = l.tx_packets = 987'654'321;
    l.rx_errors = l.tx_errors = l.rx_dropped = l.tx_dropped = 0;
    l.addresses = {"10.1.2.3/16", "fe80::3eec:efff:fe12:3456/64"};
    h.links.push_back(l);
  }
  h.systemd = protocol::SystemdState{"running", 0, {}};
  for (int i = 0; i < 8; ++i) {
    h.units.push_back({"unit-" + std::to_string(i) + ".service", "loaded", "active", "running", 1'763'000'000'000});
  }
  h.clock = protocol::ClockSync{true, -12, 16'000, 3};
  r.quota_filesystems.push_back({"/scratch", "xfs", "/scratch", "/dev/nvme0n1p3", "xfs:/dev/nvme0n1p3:1a2b3c4d:5e6f7a8b", false});
  r.quota_filesystems.push_back({"/home/%u", "cephfs", "/home/%u", "10.0.0.1:6789:/home", "cephfs:10.0.0.1:6789:/home:0000:0001", true});
  for (uint32_t uid = 1000; uid < 1000 + users; ++uid) {
    protocol::UserQuota q;
    q.filesystem = "/scratch", q.uid = uid, q.bytes_used = 50ull << 30, q.bytes_soft = 900ull << 30;
    q.bytes_hard = 1ull << 40, q.inodes_used = 12'345;
    r.quotas.push_back(q);
    q.filesystem = "/home/%u", q.directory = "/home/user" + std::to_string(uid), q.bytes_soft.reset();
    q.bytes_hard = 100ull << 30;
    r.quotas.push_back(q);
  }
  for (uint32_t uid = 1000; uid < 1020; ++uid) {
    r.slices.push_back({uid, 4ull << 30, 64ull << 30, std::nullopt, 8ull << 30, 123'456'789, 400'000, 100'000, 100, 42,
                        std::nullopt});
  }
  for (uint32_t uid = 1000; uid < 1010; ++uid) {
    r.user_units.push_back({uid, {"docker.service", "loaded", "active", "running", 1'763'000'000'000}});
  }
  return r;
}

void BM_EncodeReport(benchmark::State& state) {
  const auto report = typical_report(static_cast<uint32_t>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = encoded_size(report);
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["report_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeReport)->Arg(0)->Arg(30)->Arg(300)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace herd::collectors

BENCHMARK_MAIN();
