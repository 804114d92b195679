#pragma once
// Durations in config files and on the command line: "250ms", "1s", "1.5s",
// "2m", "1h", "1d"; and the short human form used in tables ("3m12s").

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace herd {

[[nodiscard]] Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "850ms", "4.2s", "3m12s", "5h03m", "12d4h": two significant units at most.
[[nodiscard]] std::string format_duration(std::chrono::milliseconds d);

}  // namespace herd
