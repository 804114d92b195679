#pragma once
// Health checks in the spirit of LBNL Node Health Check: expectations and
// thresholds from the agent's [checks] config, applied by a pure function
// to a collected report. The verdict is the worst finding: ok, warn, fail.

#include <optional>
#include <string>
#include <vector>

#include "protocol/report_model.hpp"

namespace herd {
class ConfigReader;
}

namespace herd::collectors {

// What a broken expectation costs; `off` disables a check.
enum class Severity { off, warn, fail };

struct MountCheck {
  std::string path;
  std::optional<double> warn_used_percent;
  double max_used_percent = 95;    // fail at or above
  Severity level = Severity::fail;  // when hung, not mounted or unreadable
};

struct LinkCheck {
  std::string name;
  std::string state = "up";  // expected oper_state
  Severity level = Severity::fail;
};

struct UnitCheck {
  std::string name;
  std::string active = "active";  // expected ActiveState
  Severity level = Severity::fail;
};

struct HealthChecks {
  std::optional<double> load_per_core_warn;  // 5-minute load average / CPUs
  std::optional<double> load_per_core_fail;
  std::optional<double> memory_available_percent_warn;  // warn below
  Severity failed_units = Severity::warn;
  Severity clock_unsynced = Severity::warn;
  Severity collector_errors = Severity::warn;
  std::vector<MountCheck> mounts;
  std::vector<LinkCheck> links;
  std::vector<UnitCheck> units;
};

// The verdict of `checks` on `report`; findings in the order above.
[[nodiscard]] protocol::HealthVerdict evaluate(const protocol::NodeReport& report, const HealthChecks& checks);

// Reads the [checks] table (keys in docs/collectors.md); problems are recorded on `reader`.
void read_health_checks(ConfigReader& reader, HealthChecks& out);

}  // namespace herd::collectors
