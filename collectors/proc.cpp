#include "collectors/proc.hpp"

#include "collectors/text.hpp"
#include "common/atomic_file.hpp"

namespace herd::collectors {
using text::next_token;
using text::to_double;
using text::to_unsigned;

Result<LoadAverage> parse_loadavg(std::string_view text) {
  LoadAverage load;
  std::string_view rest = text;
  const std::string_view one = next_token(rest), five = next_token(rest), fifteen = next_token(rest);
  const std::string_view tasks = next_token(rest);
  if (!to_double(one, load.one) || !to_double(five, load.five) || !to_double(fifteen, load.fifteen)) {
    return fail("loadavg: expected three load averages, got \"{}\"", text.substr(0, 80));
  }
  const auto slash = tasks.find('/');
  if (slash == std::string_view::npos || !to_unsigned(tasks.substr(0, slash), load.runnable) ||
      !to_unsigned(tasks.substr(slash + 1), load.threads)) {
    return fail("loadavg: expected runnable/total after the load averages, got \"{}\"", tasks.substr(0, 40));
  }
  return load;
}

Result<MemInfo> parse_meminfo(std::string_view text) {
  struct Wanted {
    std::string_view key;
    uint64_t MemInfo::*field;
    bool seen;
  };
  Wanted wanted[] = {{"MemTotal", &MemInfo::total_bytes, false},
                     {"MemFree", &MemInfo::free_bytes, false},
                     {"MemAvailable", &MemInfo::available_bytes, false},
                     {"SwapTotal", &MemInfo::swap_total_bytes, false},
                     {"SwapFree", &MemInfo::swap_free_bytes, false}};
  MemInfo info;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (line.empty()) continue;
      return fail("meminfo line {}: no ':' in \"{}\"", line_number, line.substr(0, 80));
    }
    const std::string_view key = line.substr(0, colon);
    for (Wanted& w : wanted) {
      if (w.key != key) continue;
      std::string_view rest = line.substr(colon + 1);
      const std::string_view number = next_token(rest);
      const std::string_view unit = next_token(rest);
      uint64_t value = 0;
      if (!to_unsigned(number, value) || (unit != "kB" && !unit.empty()) || value > (UINT64_MAX >> 10)) {
        return fail("meminfo line {}: {}: expected \"<number> kB\", got \"{}\"", line_number, key,
                    line.substr(colon + 1, 60));
      }
      info.*w.field = unit.empty() ? value : value << 10;
      w.seen = true;
    }
  }
  for (const Wanted& w : wanted) {
    if (!w.seen) return fail("meminfo: {} is missing", w.key);
  }
  return info;
}

Result<std::chrono::milliseconds> parse_uptime(std::string_view text) {
  std::string_view rest = text;
  double seconds = 0;
  if (!to_double(next_token(rest), seconds) || seconds > 1e12) {
    return fail("uptime: expected seconds since boot, got \"{}\"", text.substr(0, 60));
  }
  return std::chrono::milliseconds{static_cast<int64_t>(seconds * 1000.0)};
}

Result<LoadAverage> read_loadavg(const std::string& proc_root) {
  auto text = read_file(proc_root + "/loadavg", 4096);
  if (!text) return std::move(text).error();
  return parse_loadavg(*text);
}

Result<MemInfo> read_meminfo(const std::string& proc_root) {
  auto text = read_file(proc_root + "/meminfo", 1 << 20);
  if (!text) return std::move(text).error();
  return parse_meminfo(*text);
}

Result<std::chrono::milliseconds> read_uptime(const std::string& proc_root) {
  auto text = read_file(proc_root + "/uptime", 4096);
  if (!text) return std::move(text).error();
  return parse_uptime(*text);
}

}  // namespace herd::collectors
