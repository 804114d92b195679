#include "collectors/health_checks.hpp"

#include <algorithm>
#include <cmath>

#include "common/time_format.hpp"

namespace herd::collectors {
namespace {

using protocol::Verdict;

class Findings {
 public:
  void add(Severity level, std::string check, std::string message) {
    if (level == Severity::off) return;
    verdict_.findings.push_back(
        {std::move(check), level == Severity::fail ? Verdict::fail : Verdict::warn, std::move(message)});
  }
  protocol::HealthVerdict finish() && {
    verdict_.verdict = Verdict::ok;
    for (const auto& f : verdict_.findings) verdict_.verdict = std::max(verdict_.verdict, f.level);
    return std::move(verdict_);
  }

 private:
  protocol::HealthVerdict verdict_;
};

// Percent used as df shows it: of the space a user could have (used + available).
std::optional<double> used_percent(const protocol::MountUsage& m) {
  if (!m.used_bytes || !m.available_bytes) return std::nullopt;
  const double usable = static_cast<double>(*m.used_bytes) + static_cast<double>(*m.available_bytes);
  if (usable <= 0) return std::nullopt;
  return 100.0 * static_cast<double>(*m.used_bytes) / usable;
}

void check_load(const protocol::Health& h, const HealthChecks& c, Findings& out) {
  if (!h.load || h.cpus == 0) return;
  const double per_core = (*h.load)[1] / h.cpus;
  const auto message = [&](double limit) {
    return fmt::format("load {:.2f} per core over 5 min ({} CPUs), limit {:.2f}", per_core, h.cpus, limit);
  };
  if (c.load_per_core_fail && per_core >= *c.load_per_core_fail) {
    out.add(Severity::fail, "load", message(*c.load_per_core_fail));
  } else if (c.load_per_core_warn && per_core >= *c.load_per_core_warn) {
    out.add(Severity::warn, "load", message(*c.load_per_core_warn));
  }
}

void check_memory(const protocol::Health& h, const HealthChecks& c, Findings& out) {
  if (!c.memory_available_percent_warn || !h.memory || h.memory->total_bytes == 0) return;
  const double percent = 100.0 * static_cast<double>(h.memory->available_bytes) / static_cast<double>(h.memory->total_bytes);
  if (percent < *c.memory_available_percent_warn) {
    out.add(Severity::warn, "memory",
            fmt::format("{:.1f}% of memory available (warn below {:.0f}%)", percent, *c.memory_available_percent_warn));
  }
}

void check_mount(const protocol::Health& h, const MountCheck& c, Findings& out) {
  const std::string check = "mount:" + c.path;
  const auto it = std::find_if(h.mounts.begin(), h.mounts.end(), [&](const auto& m) { return m.path == c.path; });
  if (it == h.mounts.end()) {
    out.add(c.level, check, fmt::format("{} was not measured", c.path));
    return;
  }
  switch (it->state) {
    case protocol::MountState::hung:
      out.add(c.level, check,
              fmt::format("{} hung: statvfs unanswered since {}", c.path,
                          it->hung_since_ms ? format_rfc3339(from_unix_ms(*it->hung_since_ms)) : "unknown"));
      return;
    case protocol::MountState::not_mounted: out.add(c.level, check, fmt::format("{} is not mounted", c.path)); return;
    case protocol::MountState::error: out.add(c.level, check, fmt::format("{} could not be measured", c.path)); return;
    case protocol::MountState::ok: break;
  }
  const auto percent = used_percent(*it);
  if (!percent) return;
  // Rounded up, as df does: 94.1% used is shown and judged as 95%.
  const double shown = std::ceil(*percent);
  if (shown >= c.max_used_percent) {
    out.add(Severity::fail, check, fmt::format("{} {:.0f}% used (limit {:.0f}%)", c.path, shown, c.max_used_percent));
  } else if (c.warn_used_percent && shown >= *c.warn_used_percent) {
    out.add(Severity::warn, check, fmt::format("{} {:.0f}% used (warn at {:.0f}%)", c.path, shown, *c.warn_used_percent));
  }
}

void check_link(const protocol::Health& h, const LinkCheck& c, Findings& out) {
  const auto it = std::find_if(h.links.begin(), h.links.end(), [&](const auto& l) { return l.name == c.name; });
  if (it == h.links.end()) {
    out.add(c.level, "link:" + c.name, fmt::format("link {} not found", c.name));
  } else if (it->oper_state != c.state) {
    out.add(c.level, "link:" + c.name, fmt::format("link {} is {} (expected {})", c.name, it->oper_state, c.state));
  }
}

void check_unit(const protocol::Health& h, const UnitCheck& c, Findings& out) {
  const auto it = std::find_if(h.units.begin(), h.units.end(), [&](const auto& u) { return u.name == c.name; });
  if (it == h.units.end()) {
    out.add(c.level, "unit:" + c.name, fmt::format("{} was not reported by systemd", c.name));
  } else if (it->load_state == "not-found") {
    out.add(c.level, "unit:" + c.name, fmt::format("{} does not exist", c.name));
  } else if (it->active_state != c.active) {
    out.add(c.level, "unit:" + c.name,
            fmt::format("{} is {} ({}){} (expected {})", c.name, it->active_state, it->sub_state,
                        it->since_ms ? " since " + format_rfc3339(from_unix_ms(*it->since_ms)) : "", c.active));
  }
}

void check_failed_units(const protocol::Health& h, const HealthChecks& c, Findings& out) {
  if (!h.systemd || h.systemd->failed_count == 0) return;
  std::string names;
  for (std::size_t i = 0; i < h.systemd->failed_units.size() && i < 5; ++i) {
    names += (i ? ", " : "") + h.systemd->failed_units[i];
  }
  if (h.systemd->failed_count > 5) names += ", ...";
  out.add(c.failed_units, "failed_units",
          fmt::format("{} failed unit{}: {}", h.systemd->failed_count, h.systemd->failed_count == 1 ? "" : "s", names));
}

}  // namespace

protocol::HealthVerdict evaluate(const protocol::NodeReport& report, const HealthChecks& checks) {
  const protocol::Health& h = report.health;
  Findings out;
  check_load(h, checks, out);
  check_memory(h, checks, out);
  for (const auto& c : checks.mounts) check_mount(h, c, out);
  for (const auto& c : checks.links) check_link(h, c, out);
  for (const auto& c : checks.units) check_unit(h, c, out);
  check_failed_units(h, checks, out);
  if (h.clock && !h.clock->synchronized) out.add(checks.clock_unsynced, "clock", "clock is not synchronised");
  if (!report.errors.empty()) {
    const auto& first = report.errors.front();
    out.add(checks.collector_errors, "collectors",
            fmt::format("{} collector error{}, first: {}{}{}: {}", report.errors.size(),
                        report.errors.size() == 1 ? "" : "s", first.collector, first.subject.empty() ? "" : " ",
                        first.subject, first.reason));
  }
  return std::move(out).finish();
}

}  // namespace herd::collectors
