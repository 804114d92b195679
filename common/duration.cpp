#include "common/duration.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace herd {
namespace {

struct Unit {
  std::string_view suffix;
  double millis;
};
// Longest suffix first so "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {{"ms", 1.0}, {"s", 1e3}, {"m", 60e3}, {"h", 3600e3}, {"d", 86400e3}};

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string quoted = fmt::format("\"{}\"", text);
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) {
    return fail("invalid duration {}: expected a number followed by ms, s, m, h or d", quoted);
  }
  const std::string number(text.substr(0, digits));
  const std::string_view suffix = text.substr(digits);
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) {
    return fail("invalid duration {}: \"{}\" is not a number", quoted, number);
  }
  for (const Unit& unit : kUnits) {
    if (suffix == unit.suffix) {
      const double ms = value * unit.millis;
      if (ms > 1e15) return fail("invalid duration {}: too long", quoted);
      return std::chrono::milliseconds{static_cast<int64_t>(std::llround(ms))};
    }
  }
  if (suffix.empty()) return fail("invalid duration {}: missing unit (ms, s, m, h or d)", quoted);
  return fail("invalid duration {}: unknown unit \"{}\" (use ms, s, m, h or d)", quoted, suffix);
}

std::string format_duration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  const char* sign = "";
  if (ms < 0) {
    sign = "-";
    ms = -ms;
  }
  if (ms < 1000) return fmt::format("{}{}ms", sign, ms);
  if (ms < 10'000) return fmt::format("{}{:.1f}s", sign, static_cast<double>(ms) / 1000.0);
  const int64_t s = ms / 1000;
  if (s < 60) return fmt::format("{}{}s", sign, s);
  if (s < 3600) return fmt::format("{}{}m{:02}s", sign, s / 60, s % 60);
  if (s < 86400) return fmt::format("{}{}h{:02}m", sign, s / 3600, (s % 3600) / 60);
  return fmt::format("{}{}d{}h", sign, s / 86400, (s % 86400) / 3600);
}

}  // namespace herd
