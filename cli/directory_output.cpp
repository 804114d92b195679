#include "cli/directory_output.hpp"

#include "cli/record_json.hpp"
#include "cli/table.hpp"
#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli {
namespace {

std::string names(const std::vector<std::string>& list) {
  std::string out;
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < list.size() && i < kShown; ++i) out += (i ? ", " : "") + printable(list[i]);
  if (list.size() > kShown) out += fmt::format(" and {} more", list.size() - kShown);
  return out;
}

void change_line(std::string& out, std::string_view what, const std::vector<std::string>& list) {
  if (!list.empty()) out += fmt::format("  {} {}: {}\n", list.size(), what, names(list));
}

std::string dump(const nlohmann::json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string change_text(const protocol::DirectoryChange& c, bool applied) {
  std::string out;
  if (!c.valid) {
    for (const auto& e : c.errors) out += printable(e) + "\n";
    out += fmt::format("{} problem{}: nothing was {}\n", c.errors.size(), c.errors.size() == 1 ? "" : "s",
                       applied ? "applied" : "compared");
    return out;
  }
  const bool nothing = c.users_added.empty() && c.users_changed.empty() && c.users_removed.empty() &&
                       c.groups_added.empty() && c.groups_changed.empty() && c.groups_removed.empty() &&
                       !c.settings_changed;
  if (nothing) {
    return fmt::format("no change against revision {}\n", c.base_revision);
  }
  if (applied && c.revision) {
    out += fmt::format("revision {} (was {}), published:\n", *c.revision, c.base_revision);
  } else {
    out += fmt::format("against revision {}:\n", c.base_revision);
  }
  change_line(out, "users added", c.users_added);
  change_line(out, "users changed", c.users_changed);
  change_line(out, "users removed", c.users_removed);
  change_line(out, "groups added", c.groups_added);
  change_line(out, "groups changed", c.groups_changed);
  change_line(out, "groups removed", c.groups_removed);
  if (c.settings_changed) out += "  settings changed (ranges, ssh_keys_dir, managed directories or create_home)\n";
  return out;
}

std::string change_json(const protocol::DirectoryChange& change) { return dump(to_json(change)); }

std::string directory_status_table(const protocol::DirectoryStatusReply& reply, WallTime now, bool colour) {
  std::string out;
  if (reply.current_revision == 0) {
    out = "no directory yet (herd directory apply FILE)\n";
  } else {
    Table revisions({"REVISION", "CREATED", "BY", "FROM", "USERS", "GROUPS", "NODES"});
    for (const auto& r : reply.revisions) {
      revisions.add_row({{std::to_string(r.revision) + (r.revision == reply.current_revision ? " (current)" : "")},
                         {format_rfc3339(from_unix_ms(r.created_ms))},
                         {printable(r.author)},
                         {printable(r.source)},
                         {std::to_string(r.users)},
                         {std::to_string(r.groups)},
                         {std::to_string(r.nodes)}});
    }
    out = revisions.render(colour);
  }
  std::size_t current = 0;
  Table lagging({"NODE", "STATE", "APPLIED", "LAST RESULT", "DETAIL"});
  for (const auto& n : reply.nodes) {
    const std::string state(protocol::EnumNames<protocol::ConvergenceState>::names[static_cast<std::size_t>(n.state)]);
    if (n.state == protocol::ConvergenceState::current) {
      ++current;
      continue;
    }
    std::string detail = "-";
    if (n.result && !n.result->errors.empty()) detail = printable(n.result->errors.front());
    std::string when = "-";
    if (n.result_ms) {
      when = format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(now - from_unix_ms(*n.result_ms))) +
             " ago";
    }
    lagging.add_row({{printable(n.node)},
                     {state, n.state == protocol::ConvergenceState::failed ? Colour::red : Colour::yellow},
                     {n.applied_revision ? std::to_string(*n.applied_revision) : "-"},
                     {when},
                     {detail}});
  }
  out += fmt::format("\n{}/{} nodes at revision {}\n", current, reply.nodes.size(), reply.current_revision);
  if (current < reply.nodes.size()) out += "\n" + lagging.render(colour);
  return out;
}

std::string directory_status_json(const protocol::DirectoryStatusReply& reply) { return dump(to_json(reply)); }

}  // namespace herd::cli
