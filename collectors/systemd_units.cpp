#include "collectors/systemd_units.hpp"

namespace herd::collectors {

std::vector<BusEndpoint> default_system_endpoints() {
  return {{"unix:path=/run/systemd/private", false}, {"unix:path=/run/dbus/system_bus_socket", true}};
}

void SystemdCollector::collect(protocol::NodeReport& report) {
  Result<SystemdBus> bus = fail("no bus endpoint configured");
  std::string tried;
  for (const BusEndpoint& endpoint : endpoints_) {
    bus = SystemdBus::connect(endpoint, timeout_);
    if (bus) break;
    tried += (tried.empty() ? "" : "; ") + bus.error().message;
  }
  if (!bus) {
    add_error(report, name(), "bus", Error{tried.empty() ? bus.error().message : tried});
    return;
  }

  auto state = bus->system_state();
  auto failed = bus->list_units_filtered({"failed"}, kMaxFailedUnits);
  if (state && failed) {
    protocol::SystemdState& systemd = report.health.systemd.emplace();
    systemd.state = *state;
    systemd.failed_count = static_cast<uint32_t>(std::min<std::size_t>(failed->total, UINT32_MAX));
    for (const auto& row : failed->rows) systemd.failed_units.push_back(row.state.name);
  } else {
    add_error(report, name(), "manager", state ? failed.error() : state.error());
  }

  if (units_.empty()) return;
  auto units = bus->list_units_by_names(units_);
  if (!units) {
    add_error(report, name(), "units", units.error());
    return;
  }
  for (auto& row : units->rows) {
    // A unit that is not loaded has no object to ask; its state says so.
    if (row.state.load_state == "loaded") {
      auto since = bus->state_change_ms(row.object_path);
      if (since) {
        row.state.since_ms = *since;
      } else {
        add_error(report, name(), row.state.name, since.error());
      }
    }
    report.health.units.push_back(std::move(row.state));
  }
  if (units->rows.size() != units_.size()) {
    add_error(report, name(), "units",
              fail("asked for {} units, the manager described {} plausibly", units_.size(), units->rows.size()));
  }
}

}  // namespace herd::collectors
