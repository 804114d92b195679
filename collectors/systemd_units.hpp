#pragma once
// Collector "systemd": the system manager's state (running, degraded, ...),
// its failed units, and the configured system units (sshd.service,
// slurmd.service) with active/sub state and since when.

#include <string>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/systemd_bus.hpp"
#include "common/clock.hpp"

namespace herd::collectors {

// Names of failed units kept in a report; the count is always complete.
inline constexpr std::size_t kMaxFailedUnits = 100;

class SystemdCollector final : public Collector {
 public:
  // `endpoints` are tried in order until one connects (the private socket, then the system bus).
  SystemdCollector(std::vector<BusEndpoint> endpoints, std::vector<std::string> units, Millis timeout)
      : endpoints_(std::move(endpoints)), units_(std::move(units)), timeout_(timeout) {}
  [[nodiscard]] std::string_view name() const override { return "systemd"; }
  void collect(protocol::NodeReport& report) override;

 private:
  std::vector<BusEndpoint> endpoints_;
  std::vector<std::string> units_;
  Millis timeout_;
};

// The default endpoints: systemd's private socket (root), then the system bus.
[[nodiscard]] std::vector<BusEndpoint> default_system_endpoints();

}  // namespace herd::collectors
