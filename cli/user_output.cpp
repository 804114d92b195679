#include "cli/user_output.hpp"

#include "cli/maintenance_output.hpp"
#include "cli/record_json.hpp"
#include "cli/table.hpp"
#include "cli/units.hpp"
#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli {
namespace {

std::string dump(const nlohmann::json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Near a limit: yellow from 90 %, red at or over it.
Colour usage_colour(std::optional<double> percent) {
  if (!percent) return Colour::none;
  if (*percent >= 100.0) return Colour::red;
  if (*percent >= 90.0) return Colour::yellow;
  return Colour::none;
}

std::string percent_text(std::optional<double> percent) {
  return percent ? fmt::format("{:.1f}%", *percent) : "-";
}

std::string since_text(const std::optional<int64_t>& since_ms, WallTime now) {
  if (!since_ms) return "-";
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(now - from_unix_ms(*since_ms)));
}

std::string with_notice(std::string text, const std::optional<std::string>& notice) {
  if (notice) text += "note: " + printable(*notice) + "\n";
  return text;
}

}  // namespace

std::string quota_table(const protocol::QuotaReply& reply, const UserNames& names, bool colour) {
  std::string out;
  if (reply.rows.empty() && reply.slices.empty()) {
    out = "no quota or slice limits reported\n";
  }
  if (!reply.rows.empty()) {
    Table table({"USER", "FILESYSTEM", "NODE", "USED", "SOFT", "HARD", "USE", "FILES", "FILE LIMIT"});
    for (const auto& r : reply.rows) {
      const auto& q = r.quota;
      const auto percent = percent_of(q.bytes_used, q.bytes_hard ? q.bytes_hard : q.bytes_soft);
      const auto files_percent = q.inodes_used ? percent_of(*q.inodes_used, q.inodes_hard ? q.inodes_hard : q.inodes_soft)
                                               : std::nullopt;
      const std::string where = printable(q.directory ? *q.directory : r.filesystem.path);
      table.add_row({{printable(names(q.uid))},
                     {fmt::format("{} ({})", where, printable(r.filesystem.kind))},
                     {r.node ? printable(*r.node) : "(shared)"},
                     {format_bytes(q.bytes_used), usage_colour(percent)},
                     {format_bytes(q.bytes_soft)},
                     {format_bytes(q.bytes_hard)},
                     {percent_text(percent), usage_colour(percent)},
                     {q.inodes_used ? std::to_string(*q.inodes_used) : "-", usage_colour(files_percent)},
                     {q.inodes_hard ? std::to_string(*q.inodes_hard) : (q.inodes_soft ? std::to_string(*q.inodes_soft) : "-")}});
    }
    out += table.render(colour);
  }
  if (!reply.slices.empty()) {
    if (!reply.rows.empty()) out += "\n";
    Table table({"USER", "NODE", "MEMORY", "MEMORY MAX", "USE", "CPU LIMIT", "TASKS"});
    for (const auto& row : reply.slices) {
      const auto& s = row.slice;
      const auto percent = s.memory_bytes ? percent_of(*s.memory_bytes, s.memory_max_bytes) : std::nullopt;
      std::string cpu = "-";
      if (s.cpu_quota_us && s.cpu_period_us && *s.cpu_period_us > 0) {
        cpu = fmt::format("{:.1f} CPUs", static_cast<double>(*s.cpu_quota_us) / static_cast<double>(*s.cpu_period_us));
      }
      table.add_row({{printable(names(s.uid))},
                     {printable(row.node)},
                     {format_bytes(s.memory_bytes), usage_colour(percent)},
                     {format_bytes(s.memory_max_bytes)},
                     {percent_text(percent), usage_colour(percent)},
                     {cpu},
                     {s.tasks ? std::to_string(*s.tasks) : "-"}});
    }
    out += table.render(colour);
  }
  return with_notice(out, reply.notice);
}

std::string quota_json(const protocol::QuotaReply& reply, const UserNames& names) {
  nlohmann::json doc = to_json(reply);
  for (auto& row : doc["rows"]) row["user"] = names(row["quota"]["uid"].get<uint32_t>());
  for (auto& row : doc["slices"]) row["user"] = names(row["slice"]["uid"].get<uint32_t>());
  return dump(doc);
}

std::string daemon_table(const protocol::DaemonReply& reply, const UserNames& names, WallTime now, bool colour) {
  if (reply.units.empty()) return with_notice("no user daemons reported\n", reply.notice);
  Table table({"NODE", "USER", "UNIT", "ACTIVE", "SUB", "SINCE"});
  for (const auto& row : reply.units) {
    const auto& u = row.unit.unit;
    Colour c = Colour::none;
    if (u.active_state == "active") c = Colour::green;
    if (u.active_state == "failed") c = Colour::red;
    table.add_row({{printable(row.node)},
                   {printable(names(row.unit.uid))},
                   {printable(u.name)},
                   {printable(u.active_state), c},
                   {printable(u.sub_state)},
                   {since_text(u.since_ms, now)}});
  }
  return with_notice(table.render(colour), reply.notice);
}

std::string daemon_json(const protocol::DaemonReply& reply, const UserNames& names) {
  nlohmann::json doc = to_json(reply);
  for (auto& row : doc["units"]) row["user"] = names(row["unit"]["uid"].get<uint32_t>());
  return dump(doc);
}

std::string node_text(const protocol::NodeReply& reply, const UserNames& names, WallTime now, bool colour) {
  const auto& s = reply.status;
  const bool up = s.state == protocol::NodeState::up;
  std::string out;
  const auto line = [&](std::string_view key, const std::string& value) {
    out += fmt::format("{:<14}{}\n", std::string(key) + ":", value);
  };
  line("node", printable(s.name));
  line("state", fmt::format("{} for {}", up ? "up" : "down", since_text(s.since_ms, now)));
  line("last seen", s.last_seen_ms ? since_text(s.last_seen_ms, now) + " ago" : "never");
  line("maintenance", s.maintenance ? maintenance_summary(*s.maintenance, now) : "no");
  if (s.hostname) line("hostname", printable(*s.hostname));
  if (s.agent_version) line("agent", *s.agent_version);
  if (s.uptime_ms) line("uptime", format_duration(std::chrono::milliseconds{static_cast<int64_t>(*s.uptime_ms)}));
  if (s.load) line("load", fmt::format("{:.2f} {:.2f} {:.2f}", (*s.load)[0], (*s.load)[1], (*s.load)[2]));
  if (s.health) {
    const std::string verdict(protocol::EnumNames<protocol::Verdict>::names[static_cast<std::size_t>(s.health->verdict)]);
    line("health", verdict);
    for (const auto& f : s.health->findings) {
      const std::string level(protocol::EnumNames<protocol::Verdict>::names[static_cast<std::size_t>(f.level)]);
      out += fmt::format("  {}  {}: {}\n", level, printable(f.check), printable(f.message));
    }
  }
  if (reply.report) {
    const auto& h = reply.report->health;
    if (!h.mounts.empty()) {
      out += "\n";
      Table mounts({"MOUNT", "STATE", "USED", "SIZE", "USE"});
      for (const auto& m : h.mounts) {
        const std::string state(protocol::EnumNames<protocol::MountState>::names[static_cast<std::size_t>(m.state)]);
        const auto percent = m.used_bytes ? percent_of(*m.used_bytes, m.total_bytes) : std::nullopt;
        mounts.add_row({{printable(m.path)},
                        {state, m.state == protocol::MountState::ok ? Colour::none : Colour::red},
                        {format_bytes(m.used_bytes)},
                        {format_bytes(m.total_bytes)},
                        {percent_text(percent), usage_colour(percent)}});
      }
      out += mounts.render(colour);
    }
    if (!h.links.empty()) {
      out += "\n";
      Table links({"LINK", "STATE", "CARRIER", "RX", "TX", "ERRORS", "DROPS", "ADDRESSES"});
      for (const auto& l : h.links) {
        const uint64_t errors = l.rx_errors.value_or(0) + l.tx_errors.value_or(0);
        const uint64_t drops = l.rx_dropped.value_or(0) + l.tx_dropped.value_or(0);
        std::string addresses;
        for (const auto& a : l.addresses) addresses += (addresses.empty() ? "" : " ") + printable(a);
        links.add_row({{printable(l.name)},
                       {printable(l.oper_state), l.oper_state == "up" ? Colour::green : Colour::none},
                       {l.carrier ? (*l.carrier ? "yes" : "no") : "-"},
                       {format_bytes(l.rx_bytes)},
                       {format_bytes(l.tx_bytes)},
                       {std::to_string(errors), errors ? Colour::yellow : Colour::none},
                       {std::to_string(drops)},
                       {addresses.empty() ? "-" : addresses}});
      }
      out += links.render(colour);
    }
    if (!h.units.empty()) {
      out += "\n";
      Table units({"UNIT", "ACTIVE", "SUB", "SINCE"});
      for (const auto& u : h.units) {
        units.add_row({{printable(u.name)},
                       {printable(u.active_state), u.active_state == "active" ? Colour::green : Colour::red},
                       {printable(u.sub_state)},
                       {since_text(u.since_ms, now)}});
      }
      out += units.render(colour);
    }
    if (!reply.report->user_units.empty()) {
      out += "\n";
      protocol::DaemonReply daemons;
      for (const auto& u : reply.report->user_units) daemons.units.push_back({s.name, u});
      out += daemon_table(daemons, names, now, colour);
    }
    for (const auto& e : reply.report->errors) {
      out += fmt::format("collector {} {}: {}\n", printable(e.collector), printable(e.subject), printable(e.reason));
    }
  }
  return with_notice(out, reply.notice);
}

std::string node_json(const protocol::NodeReply& reply) { return dump(to_json(reply)); }

}  // namespace herd::cli
