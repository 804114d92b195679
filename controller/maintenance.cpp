#include "controller/maintenance.hpp"

#include <algorithm>

#include "common/time_format.hpp"

namespace herd::controller {
namespace {

// A name or reason from a request, safe to quote in a one-line message.
std::string quote_name(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (text.size() > 64) out += "...";
  return out + "\"";
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string until_text(const Maintenance& m) {
  return m.until_ms ? ", until " + format_rfc3339(from_unix_ms(*m.until_ms)) : "";
}

}  // namespace

MaintenanceStep maintenance_on(std::string node, const std::optional<Maintenance>& current, std::string reason,
                               std::string by, WallTime now, std::optional<WallTime> until) {
  MaintenanceStep step;
  step.node = std::move(node);
  step.before = current;
  Maintenance next;
  next.reason = std::move(reason);
  next.by = std::move(by);
  next.since_ms = to_unix_ms(now);
  if (until) next.until_ms = to_unix_ms(*until);
  if (!current) {
    step.change = MaintenanceChange::started;
    step.after = std::move(next);
    return step;
  }
  if (current->reason == next.reason && current->until_ms == next.until_ms) {
    step.change = MaintenanceChange::unchanged;
    step.after = current;
    return step;
  }
  // Still the same stretch of maintenance: it keeps its start, the new
  // reason and end are the ones of whoever changed it last.
  next.since_ms = current->since_ms;
  step.change = MaintenanceChange::updated;
  step.after = std::move(next);
  return step;
}

MaintenanceStep maintenance_off(std::string node, const std::optional<Maintenance>& current) {
  MaintenanceStep step;
  step.node = std::move(node);
  step.before = current;
  step.change = current ? MaintenanceChange::ended : MaintenanceChange::unchanged;
  return step;
}

Result<std::vector<MaintenanceStep>> plan_maintenance(const protocol::MaintenanceSet& request,
                                                      const NodeTable& table, std::string_view by, WallTime now) {
  if (request.all && !request.nodes.empty()) return fail("give node names or --all, not both");
  if (!request.all && request.nodes.empty()) return fail("no nodes given: name the nodes, or use --all");
  if (request.reason) {
    if (has_control_character(*request.reason)) return fail("--reason must be one line of printable text");
    if (request.reason->size() > protocol::kMaxMaintenanceReason) {
      return fail("--reason is longer than {} bytes", protocol::kMaxMaintenanceReason);
    }
  }
  std::optional<WallTime> until;
  if (request.on) {
    if (!request.reason || blank(*request.reason)) {
      return fail("--reason is required: say why the nodes go into maintenance");
    }
    if (request.until_ms) {
      until = from_unix_ms(*request.until_ms);
      if (*until <= now) {
        return fail("--until {} is not in the future (now {})", format_rfc3339(*until), format_rfc3339(now));
      }
    }
  } else if (request.until_ms) {
    return fail("--until applies only to maintenance on");
  }

  std::vector<std::string> names;
  if (request.all) {
    for (const auto& [name, node] : table.nodes()) {
      if (request.on || node.maintenance) names.push_back(name);
    }
  } else {
    names = request.nodes;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::vector<std::string> unknown;
    for (const auto& name : names) {
      if (table.find(name) == nullptr) unknown.push_back(name);
    }
    if (!unknown.empty()) {
      std::string list;
      for (std::size_t i = 0; i < unknown.size() && i < 5; ++i) {
        if (i > 0) list += ", ";
        list += quote_name(unknown[i]);
      }
      if (unknown.size() > 5) list += fmt::format(" and {} more", unknown.size() - 5);
      return fail("no node named {}; nothing changed", list);
    }
  }

  std::vector<MaintenanceStep> steps;
  steps.reserve(names.size());
  for (auto& name : names) {
    const auto& current = table.find(name)->maintenance;
    if (request.on) {
      steps.push_back(maintenance_on(std::move(name), current, *request.reason, std::string(by), now, until));
    } else {
      steps.push_back(maintenance_off(std::move(name), current));
    }
  }
  return steps;
}

std::optional<EventRecord> maintenance_event(const MaintenanceStep& step, std::string_view by,
                                             const std::optional<std::string>& off_reason, WallTime now) {
  EventRecord e;
  e.at = now;
  e.node = step.node;
  e.by = std::string(by);
  switch (step.change) {
    case MaintenanceChange::unchanged: return std::nullopt;
    case MaintenanceChange::started:
      e.kind = "maintenance_on";
      e.reason = step.after->reason;
      e.detail = fmt::format("maintenance on: {}{}", step.after->reason, until_text(*step.after));
      break;
    case MaintenanceChange::updated:
      e.kind = "maintenance_on";
      e.reason = step.after->reason;
      e.detail = fmt::format("maintenance changed: {}{} (was: {}{})", step.after->reason, until_text(*step.after),
                             step.before->reason, until_text(*step.before));
      break;
    case MaintenanceChange::ended:
      e.kind = "maintenance_off";
      e.reason = off_reason.value_or("");
      e.detail = fmt::format("maintenance ended: switched off{} (was: {}, set by {})",
                             off_reason ? ": " + *off_reason : "", step.before->reason, step.before->by);
      break;
  }
  return e;
}

bool maintenance_expired(const Maintenance& m, WallTime now) {
  return m.until_ms && *m.until_ms <= to_unix_ms(now);
}

std::vector<MaintenanceStep> expired_maintenance(const NodeTable& table, WallTime now) {
  std::vector<MaintenanceStep> steps;
  for (const auto& [name, node] : table.nodes()) {
    if (node.maintenance && maintenance_expired(*node.maintenance, now)) {
      steps.push_back(maintenance_off(name, node.maintenance));
    }
  }
  return steps;
}

EventRecord expiry_event(const MaintenanceStep& step, WallTime now) {
  EventRecord e;
  e.at = now;
  e.node = step.node;
  e.kind = "maintenance_off";
  e.by = std::string(kControllerActor);
  const Maintenance& m = *step.before;
  e.reason = m.until_ms ? fmt::format("until {} reached", format_rfc3339(from_unix_ms(*m.until_ms))) : "expired";
  e.detail = fmt::format("maintenance ended: expired (was: {}, set by {}{})", m.reason, m.by, until_text(m));
  return e;
}

std::optional<std::chrono::milliseconds> expiry_delay(const NodeTable& table, WallTime now,
                                                      std::chrono::milliseconds cap) {
  std::optional<int64_t> earliest;
  for (const auto& [name, node] : table.nodes()) {
    if (!node.maintenance || !node.maintenance->until_ms) continue;
    if (!earliest || *node.maintenance->until_ms < *earliest) earliest = node.maintenance->until_ms;
  }
  if (!earliest) return std::nullopt;
  const int64_t wait = *earliest - to_unix_ms(now);
  return std::chrono::milliseconds{std::clamp<int64_t>(wait, 0, cap.count())};
}

protocol::MaintenanceReply maintenance_reply(const std::vector<MaintenanceStep>& steps) {
  protocol::MaintenanceReply reply;
  reply.nodes.reserve(steps.size());
  for (const auto& step : steps) reply.nodes.push_back({step.node, step.change, step.after});
  return reply;
}

}  // namespace herd::controller
