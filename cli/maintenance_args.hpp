#pragma once
// The arguments of `herd maintenance on|off`, checked before anything is
// sent (pure: the current time is passed in).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "protocol/messages.hpp"

namespace herd::cli {

// --until: an RFC 3339 time ("2026-11-24T08:00Z", "2026-11-24T09:00+01:00")
// or a duration from now ("2h", "90m", "1d"). It must lie in the future.
[[nodiscard]] Result<WallTime> parse_until(std::string_view text, WallTime now);

struct MaintenanceOptions {
  bool on = false;
  std::vector<std::string> nodes;
  bool all = false;
  std::optional<std::string> reason;
  std::optional<std::string> until;
  bool json = false;
};

// The request for `options`, or the one-line usage error (exit status 2).
[[nodiscard]] Result<protocol::MaintenanceSet> maintenance_request(const MaintenanceOptions& options, WallTime now);

}  // namespace herd::cli
