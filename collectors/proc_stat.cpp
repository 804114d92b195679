#include "collectors/proc_stat.hpp"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "collectors/text.hpp"

namespace herd::collectors {

Result<ProcStat> parse_proc_stat(std::string_view text) {
  ProcStat stat;
  bool saw_cpu = false, saw_running = false, saw_blocked = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::string_view line = text::next_line(text);
    ++line_number;
    std::string_view rest = line;
    const std::string_view key = text::next_token(rest);
    if (key == "cpu") {
      // At least the eight fields of Linux 2.6.11+; guest fields are already in user/nice.
      uint64_t* fields[] = {&stat.cpu.user, &stat.cpu.nice,    &stat.cpu.system,  &stat.cpu.idle,
                            &stat.cpu.iowait, &stat.cpu.irq, &stat.cpu.softirq, &stat.cpu.steal};
      for (uint64_t* field : fields) {
        if (!text::to_unsigned(text::next_token(rest), *field)) {
          return fail("/proc/stat line {}: expected 8 or more counters after \"cpu\", got \"{}\"", line_number,
                      line.substr(0, 120));
        }
      }
      saw_cpu = true;
    } else if (key.size() > 3 && key.substr(0, 3) == "cpu") {
      ++stat.cpus;
    } else if (key == "processes" || key == "procs_running" || key == "procs_blocked") {
      const std::string_view value = text::next_token(rest);
      bool ok = false;
      if (key == "processes") ok = text::to_unsigned(value, stat.forks);
      if (key == "procs_running") ok = saw_running = text::to_unsigned(value, stat.running);
      if (key == "procs_blocked") ok = saw_blocked = text::to_unsigned(value, stat.blocked);
      if (!ok) return fail("/proc/stat line {}: {}: expected a count, got \"{}\"", line_number, key, value.substr(0, 40));
    }
  }
  if (!saw_cpu) return fail("/proc/stat: no aggregate \"cpu\" line");
  if (!saw_running || !saw_blocked) return fail("/proc/stat: procs_running or procs_blocked is missing");
  return stat;
}

Result<protocol::CpuUse> cpu_use_between(const CpuTicks& before, const CpuTicks& after, uint64_t interval_ms) {
  const uint64_t before_fields[] = {before.user, before.nice, before.system, before.idle,
                                    before.iowait, before.irq, before.softirq, before.steal};
  const uint64_t after_fields[] = {after.user, after.nice, after.system, after.idle,
                                   after.iowait, after.irq, after.softirq, after.steal};
  for (std::size_t i = 0; i < 8; ++i) {
    // iowait may legitimately step back on some kernels (it is an estimate); the others may not.
    if (after_fields[i] < before_fields[i] && i != 4) return fail("/proc/stat: CPU counters went backwards");
  }
  auto delta = [](uint64_t a, uint64_t b) { return b > a ? static_cast<double>(b - a) : 0.0; };
  const double user = delta(before.user, after.user) + delta(before.nice, after.nice);
  const double system = delta(before.system, after.system) + delta(before.irq, after.irq) +
                        delta(before.softirq, after.softirq);
  const double idle = delta(before.idle, after.idle);
  const double iowait = delta(before.iowait, after.iowait);
  const double steal = delta(before.steal, after.steal);
  const double total = user + system + idle + iowait + steal;
  if (total <= 0) return fail("/proc/stat: CPU counters did not advance");
  protocol::CpuUse use;
  use.interval_ms = interval_ms;
  use.user = user / total;
  use.system = system / total;
  use.iowait = iowait / total;
  use.steal = steal / total;
  use.busy = (user + system + steal) / total;
  return use;
}

Result<std::optional<uint64_t>> parse_vmstat_oom_kills(std::string_view text) {
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::string_view line = text::next_line(text);
    ++line_number;
    std::string_view rest = line;
    if (text::next_token(rest) != "oom_kill") continue;
    uint64_t kills = 0;
    const std::string_view value = text::next_token(rest);
    if (!text::to_unsigned(value, kills)) {
      return fail("/proc/vmstat line {}: oom_kill: expected a count, got \"{}\"", line_number, value.substr(0, 40));
    }
    return std::optional<uint64_t>{kills};
  }
  return std::optional<uint64_t>{};
}

Result<uint32_t> count_processes(const std::string& proc_root) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(proc_root.c_str()), &::closedir);
  if (!dir) return fail("cannot list {}: {}", proc_root, std::strerror(errno));
  uint32_t count = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    const char first = entry->d_name[0];
    if (first >= '1' && first <= '9') ++count;
  }
  return count;
}

}  // namespace herd::collectors
