#include "collectors/proc_collector.hpp"

#include "collectors/proc.hpp"
#include "common/atomic_file.hpp"

namespace herd::collectors {

void ProcCollector::collect(protocol::NodeReport& report) {
  protocol::Health& health = report.health;
  auto error = [&](std::string_view file, const Error& e) { add_error(report, name(), proc_root_ + "/" + std::string(file), e); };

  if (auto up = read_uptime(proc_root_)) {
    health.uptime_ms = static_cast<uint64_t>(up->count());
  } else {
    error("uptime", up.error());
  }
  if (auto load = read_loadavg(proc_root_)) {
    health.load = std::array<double, 3>{load->one, load->five, load->fifteen};
    health.processes.emplace().threads = load->threads;
  } else {
    error("loadavg", load.error());
  }
  if (auto mem = read_meminfo(proc_root_)) {
    health.memory = protocol::Memory{mem->total_bytes, mem->available_bytes, mem->free_bytes,
                                     mem->swap_total_bytes, mem->swap_free_bytes};
  } else {
    error("meminfo", mem.error());
  }

  auto stat_text = read_file(proc_root_ + "/stat", 4u << 20);
  auto stat = stat_text ? parse_proc_stat(*stat_text) : Result<ProcStat>(stat_text.error());
  if (stat) {
    health.cpus = stat->cpus;
    protocol::Processes& processes = health.processes ? *health.processes : health.processes.emplace();
    processes.running = stat->running;
    processes.blocked = stat->blocked;
    processes.forks = stat->forks;
    if (auto count = count_processes(proc_root_)) {
      processes.count = *count;
    } else {
      error("", count.error());
    }
    collect_cpu(report, *stat);
  } else {
    error("stat", stat.error());
  }

  auto vmstat = read_file(proc_root_ + "/vmstat", 1u << 20);
  auto oom = vmstat ? parse_vmstat_oom_kills(*vmstat) : Result<std::optional<uint64_t>>(vmstat.error());
  if (oom) {
    health.oom_kills = *oom;  // absent on kernels older than 4.13: nothing to report, not an error
  } else {
    error("vmstat", oom.error());
  }
}

void ProcCollector::collect_cpu(protocol::NodeReport& report, const ProcStat& stat) {
  const MonoTime now = clock_.monotonic();
  // Two collections within one clock tick have nothing to compare: report no shares, and no error.
  const bool moved = !last_ticks_ || stat.cpu.total() != last_ticks_->total();
  if (moved) {
    // The first collection gives the shares since boot, which is what the counters hold.
    const auto interval = last_ticks_ ? std::chrono::duration_cast<Millis>(now - last_time_).count()
                                      : static_cast<int64_t>(report.health.uptime_ms.value_or(0));
    auto use = cpu_use_between(last_ticks_.value_or(CpuTicks{}), stat.cpu,
                               static_cast<uint64_t>(interval < 0 ? 0 : interval));
    if (use) {
      report.health.cpu = *use;
    } else {
      add_error(report, name(), proc_root_ + "/stat", use.error());
    }
  }
  last_ticks_ = stat.cpu;
  last_time_ = now;
}

}  // namespace herd::collectors
