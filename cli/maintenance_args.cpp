#include "cli/maintenance_args.hpp"

#include <algorithm>

#include "cli/table.hpp"
#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli {

Result<WallTime> parse_until(std::string_view text, WallTime now) {
  WallTime until;
  if (auto d = parse_duration(text)) {
    if (d->count() <= 0) return fail("--until {}: a duration from now must be longer than 0", printable(text));
    until = now + *d;
  } else if (auto t = parse_rfc3339(text)) {
    until = *t;
  } else {
    return fail("--until: \"{}\" is neither a time (2026-11-24T08:00Z, 2026-11-24T09:00+01:00) nor a duration "
                "from now (2h, 90m, 1d)",
                printable(text.substr(0, 64)));
  }
  if (until <= now) {
    return fail("--until {} lies in the past (now {})", format_rfc3339(until), format_rfc3339(now));
  }
  return until;
}

Result<protocol::MaintenanceSet> maintenance_request(const MaintenanceOptions& options, WallTime now) {
  protocol::MaintenanceSet request;
  request.on = options.on;
  request.all = options.all;
  request.nodes = options.nodes;
  if (options.all && !options.nodes.empty()) return fail("give node names or --all, not both");
  if (!options.all && options.nodes.empty()) return fail("no nodes given: name the nodes, or use --all");
  if (options.reason) {
    const bool control = std::any_of(options.reason->begin(), options.reason->end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u < 0x20 || u == 0x7f;
    });
    if (control) return fail("--reason must be one line of printable text");
    if (options.reason->size() > protocol::kMaxMaintenanceReason) {
      return fail("--reason is longer than {} bytes", protocol::kMaxMaintenanceReason);
    }
    request.reason = options.reason;
  }
  if (options.on) {
    const bool blank = !options.reason || std::all_of(options.reason->begin(), options.reason->end(),
                                                      [](char c) { return c == ' ' || c == '\t'; });
    if (blank) return fail("--reason is required: say why the nodes go into maintenance");
    if (options.until) {
      auto until = parse_until(*options.until, now);
      if (!until) return std::move(until).error();
      request.until_ms = to_unix_ms(*until);
    }
  } else if (options.until) {
    return fail("--until applies only to maintenance on");
  }
  return request;
}

}  // namespace herd::cli
