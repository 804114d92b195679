#pragma once
// Human forms of sizes and shares used by the tables.

#include <cstdint>
#include <optional>
#include <string>

namespace herd::cli {

// 1536 -> "1.5 KiB"; 0 -> "0 B".
[[nodiscard]] std::string format_bytes(uint64_t bytes);
[[nodiscard]] std::string format_bytes(const std::optional<uint64_t>& bytes);  // "-" when absent
// used / limit in percent, if there is a limit.
[[nodiscard]] std::optional<double> percent_of(uint64_t used, const std::optional<uint64_t>& limit);

}  // namespace herd::cli
