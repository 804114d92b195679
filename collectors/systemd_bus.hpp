#pragma once
// The part of org.freedesktop.systemd1 herd reads, over sd-bus: manager
// state, unit lists and a unit's last state change. Shared by the system
// units collector and the user units collector.
//
// Endpoints: root reaches a systemd manager directly on its private socket
// (`/run/systemd/private` for the system, `/run/user/UID/systemd/private`
// for a user's manager; systemd accepts peers that are root or the manager's
// own uid) without a bus daemon in between; otherwise through a bus daemon
// (the system bus, or a test's private dbus-daemon), which needs Hello.

#include <systemd/sd-bus.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/report_model.hpp"

namespace herd::collectors {

struct BusEndpoint {
  std::string address;       // sd-bus address, "unix:path=/run/systemd/private"
  bool bus_daemon = false;   // true: a dbus-daemon (send Hello); false: systemd's own socket
};

// Longest unit name and state we accept from a manager (the report's bounds).
inline constexpr std::size_t kMaxUnitName = 256;
inline constexpr std::size_t kMaxUnitState = 32;

class SystemdBus {
 public:
  [[nodiscard]] static Result<SystemdBus> connect(const BusEndpoint& endpoint, std::chrono::milliseconds timeout);

  // Manager.SystemState: "running", "degraded", ...
  [[nodiscard]] Result<std::string> system_state();

  struct UnitRow {
    protocol::UnitState state;
    std::string object_path;
  };
  struct UnitList {
    std::vector<UnitRow> rows;  // at most `keep`
    std::size_t total = 0;      // how many the manager listed
  };
  // ListUnitsFiltered(states), ListUnitsByPatterns(states, patterns), ListUnitsByNames(names).
  // Rows with an implausible name or state are counted in `total` but not kept.
  [[nodiscard]] Result<UnitList> list_units_filtered(const std::vector<std::string>& states, std::size_t keep);
  [[nodiscard]] Result<UnitList> list_units_by_patterns(const std::vector<std::string>& states,
                                                        const std::vector<std::string>& patterns, std::size_t keep);
  [[nodiscard]] Result<UnitList> list_units_by_names(const std::vector<std::string>& names);

  // Unit.StateChangeTimestamp of the unit at `object_path`, in ms since the epoch; nullopt when it never changed.
  [[nodiscard]] Result<std::optional<int64_t>> state_change_ms(const std::string& object_path);

 private:
  struct Close {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
  };
  explicit SystemdBus(sd_bus* bus, std::string address) : bus_(bus), address_(std::move(address)) {}
  [[nodiscard]] Result<UnitList> list(const char* method, const std::vector<std::string>* first,
                                      const std::vector<std::string>* second, std::size_t keep);

  std::unique_ptr<sd_bus, Close> bus_;
  std::string address_;
};

// The private socket address of a user's manager from a template with %U.
[[nodiscard]] std::string user_manager_address(std::string_view pattern, uint32_t uid);

}  // namespace herd::collectors
