#pragma once
// User names and uids on the host the CLI runs on (NSS).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace herd::cli {

// "alice" or "1001" -> uid.
[[nodiscard]] Result<uint32_t> resolve_user(std::string_view user);
// uid -> name, or the number when it has none here.
[[nodiscard]] std::string user_name(uint32_t uid);

}  // namespace herd::cli
