#pragma once
// Parsers for /proc files (pure: text in, numbers out) and the thin readers
// that feed them. A line of an unexpected shape is an error naming the file
// and line, never a wrong number.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace herd::collectors {

struct LoadAverage {
  double one = 0;
  double five = 0;
  double fifteen = 0;
  uint32_t runnable = 0;
  uint32_t threads = 0;
};

struct MemInfo {
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;
  uint64_t available_bytes = 0;
  uint64_t swap_total_bytes = 0;
  uint64_t swap_free_bytes = 0;
};

// "0.52 0.58 0.59 2/1203 41234"
[[nodiscard]] Result<LoadAverage> parse_loadavg(std::string_view text);
// "MemTotal:       24576000 kB" lines; MemTotal, MemFree, MemAvailable, SwapTotal, SwapFree are required.
[[nodiscard]] Result<MemInfo> parse_meminfo(std::string_view text);
// "12345.67 23456.78": seconds since boot, idle seconds.
[[nodiscard]] Result<std::chrono::milliseconds> parse_uptime(std::string_view text);

// Readers of `<proc_root>/loadavg` etc.; proc_root is "/proc" except in tests.
[[nodiscard]] Result<LoadAverage> read_loadavg(const std::string& proc_root = "/proc");
[[nodiscard]] Result<MemInfo> read_meminfo(const std::string& proc_root = "/proc");
[[nodiscard]] Result<std::chrono::milliseconds> read_uptime(const std::string& proc_root = "/proc");

}  // namespace herd::collectors
