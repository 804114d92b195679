// Reading the [checks] table into HealthChecks (see health_checks.hpp).
#include "collectors/health_checks.hpp"
#include "common/config_reader.hpp"

namespace herd::collectors {
namespace {

void read_severity(ConfigReader& r, std::string_view key, Severity& out) {
  std::string value = out == Severity::off ? "off" : out == Severity::warn ? "warn" : "fail";
  r.choice(key, value, {"off", "warn", "fail"});
  out = value == "off" ? Severity::off : value == "warn" ? Severity::warn : Severity::fail;
}

void read_optional_number(ConfigReader& r, std::string_view key, std::optional<double>& out, double max) {
  double value = -1;
  r.optional(key, value, 0, max);
  if (value >= 0) out = value;
}

}  // namespace

void read_health_checks(ConfigReader& r, HealthChecks& c) {
  read_optional_number(r, "load_per_core_warn", c.load_per_core_warn, 1000);
  read_optional_number(r, "load_per_core_fail", c.load_per_core_fail, 1000);
  read_optional_number(r, "memory_available_percent_warn", c.memory_available_percent_warn, 100);
  read_severity(r, "failed_units", c.failed_units);
  read_severity(r, "clock_unsynced", c.clock_unsynced);
  read_severity(r, "collector_errors", c.collector_errors);
  r.each_table("mount", [&](ConfigReader& t) {
    MountCheck m;
    t.required("path", m.path);
    read_optional_number(t, "warn_used_percent", m.warn_used_percent, 100);
    t.optional("max_used_percent", m.max_used_percent, 0, 100);
    read_severity(t, "level", m.level);
    c.mounts.push_back(std::move(m));
  });
  r.each_table("link", [&](ConfigReader& t) {
    LinkCheck l;
    t.required("name", l.name);
    t.choice("state", l.state, {"up", "down", "lowerlayerdown", "dormant", "testing", "notpresent", "unknown"});
    read_severity(t, "level", l.level);
    c.links.push_back(std::move(l));
  });
  r.each_table("unit", [&](ConfigReader& t) {
    UnitCheck u;
    t.required("name", u.name);
    t.choice("active", u.active, {"active", "inactive", "failed", "activating", "deactivating", "reloading"});
    read_severity(t, "level", u.level);
    c.units.push_back(std::move(u));
  });
}

}  // namespace herd::collectors
