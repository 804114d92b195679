#include "cli/units.hpp"

#include <fmt/format.h>

namespace herd::cli {

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string format_bytes(const std::optional<uint64_t>& bytes) { return bytes ? format_bytes(*bytes) : "-"; }

std::optional<double> percent_of(uint64_t used, const std::optional<uint64_t>& limit) {
  if (!limit || *limit == 0) return std::nullopt;
  return 100.0 * static_cast<double>(used) / static_cast<double>(*limit);
}

}  // namespace herd::cli
