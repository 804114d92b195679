#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace herd {

// "2026-11-23T18:44:05.123Z": how herd writes wall times for people and JSON.
[[nodiscard]] std::string format_rfc3339(WallTime t);

// Accepts "2026-11-23T18:44:05Z", with optional fraction and "+01:00" offsets,
// and "2026-11-23 18:44" (taken as UTC).
[[nodiscard]] Result<WallTime> parse_rfc3339(std::string_view text);

}  // namespace herd
