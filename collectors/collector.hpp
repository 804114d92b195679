#pragma once
// The one interface every collector implements. A collector answers one
// question about the node (its /proc counters, its mounts, its links, ...)
// by filling its part of a NodeReport. It never throws and never leaves a
// wrong number: what it cannot read is left absent and explained by a
// CollectorError naming the collector, the subject and the reason.
//
// Collectors are synchronous and may take a while (a bus round trip, a mount
// probe up to `mount_timeout`): they run on the Collection's worker thread,
// never on the agent's event loop (see collectors/collection.hpp).

#include <string_view>

#include "common/result.hpp"
#include "protocol/report_model.hpp"

namespace herd::collectors {

class Collector {
 public:
  virtual ~Collector() = default;
  // Short stable name used in CollectorError.collector: "proc", "mounts", ...
  [[nodiscard]] virtual std::string_view name() const = 0;
  virtual void collect(protocol::NodeReport& report) = 0;
};

// Most errors a report may carry; beyond it one final error says how many were dropped,
// so a thousand broken home directories cannot make a report unbounded.
inline constexpr std::size_t kMaxErrors = 1000;

// Appends a CollectorError (bounded by kMaxErrors).
void add_error(protocol::NodeReport& report, std::string_view collector, std::string_view subject,
               const Error& error);

}  // namespace herd::collectors
