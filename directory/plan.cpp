#include "directory/plan.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include <fmt/format.h>

#include "directory/diagnostics.hpp"
#include "directory/first_index.hpp"
#include "directory/plan_lines.hpp"

namespace herd::directory {
namespace {

using protocol::Directory, protocol::DirectoryGroup, protocol::DirectoryUser;
using Range = std::array<uint32_t, 2>;

bool in_range(uint32_t id, const Range& r) { return id >= r[0] && id <= r[1]; }

std::size_t index_of(EtcFile f) { return static_cast<std::size_t>(f); }

// Parses all four files, reporting the problems of every one of them.
struct Tables {
  EtcTable<PasswdEntry> passwd;
  EtcTable<ShadowEntry> shadow;
  EtcTable<GroupEntry> group;
  EtcTable<GshadowEntry> gshadow;
};

Result<Tables> parse_all(const CurrentFiles& c) {
  auto pw = parse_passwd(c.text[0], c.label[0]);
  auto sh = parse_shadow(c.text[1], c.label[1]);
  auto gr = parse_group(c.text[2], c.label[2]);
  auto gs = parse_gshadow(c.text[3], c.label[3]);
  std::string errors;
  auto collect = [&](const auto& r) {
    if (r.ok()) return;
    if (!errors.empty()) errors += '\n';
    errors += r.error().message;
  };
  collect(pw);
  collect(sh);
  collect(gr);
  collect(gs);
  if (!errors.empty()) return Error{std::move(errors)};
  return Tables{std::move(*pw), std::move(*sh), std::move(*gr), std::move(*gs)};
}

class Errors {
 public:
  template <typename... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    if (!text_.empty()) text_ += '\n';
    text_ += fmt::format(format, std::forward<Args>(args)...);
  }
  [[nodiscard]] bool empty() const { return text_.empty(); }
  [[nodiscard]] Error error() && { return Error{std::move(text_)}; }

 private:
  std::string text_;
};

// The managed and unmanaged entries of one id-keyed file, by name: each
// name maps to the position (in the table) of its first entry on that side.
template <typename Entry>
struct Split {
  const EtcTable<Entry>* table = nullptr;
  FirstIndex<std::string_view> managed;
  FirstIndex<std::string_view> unmanaged;

  [[nodiscard]] const EtcLine<Entry>* find_managed(std::string_view name) const { return at(managed.find(name)); }
  [[nodiscard]] const EtcLine<Entry>* find_unmanaged(std::string_view name) const {
    return at(unmanaged.find(name));
  }
  [[nodiscard]] const EtcLine<Entry>* at(uint32_t pos) const {
    return pos == FirstIndex<std::string_view>::npos ? nullptr : &(*table)[pos];
  }
  // Calls f(line) for the first managed entry of each name, in file order.
  template <typename F>
  void each_managed(F f) const {
    for (std::size_t i = 0; i < table->size(); ++i) {
      const auto& line = (*table)[i];
      if (line.entry && managed.find(line.entry->name) == i) f(line);
    }
  }
  template <typename F>
  void each_unmanaged(F f) const {
    for (std::size_t i = 0; i < table->size(); ++i) {
      const auto& line = (*table)[i];
      if (line.entry && unmanaged.find(line.entry->name) == i) f(line);
    }
  }
};

template <typename Entry, typename IdOf>
Split<Entry> split_by_range(const EtcTable<Entry>& table, const Range& r, IdOf id_of, std::string_view label,
                            Errors& errors) {
  Split<Entry> s{&table, FirstIndex<std::string_view>(table.size()), FirstIndex<std::string_view>(16)};
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& line = table[i];
    if (!line.entry) continue;
    const auto at = static_cast<uint32_t>(i);
    if (!in_range(id_of(*line.entry), r)) {
      s.unmanaged.add(line.entry->name, at);
    } else if (const uint32_t first = s.managed.add(line.entry->name, at); first != at) {
      errors.add("{}:{}: managed entry {} appears twice (also line {})", label, line.number, quote(line.entry->name),
                 table[first].number);
    }
  }
  return s;
}

// The line from `start` to the end of `text`, which ends with its newline.
Span line_before(const std::string& text, std::size_t start) {
  return {static_cast<uint32_t>(start), static_cast<uint32_t>(text.size() - start - 1)};
}


// Copies every line that is not managed, in order.
template <typename Entry, typename IsManaged>
void copy_unmanaged(const EtcTable<Entry>& table, IsManaged is_managed, std::string& out) {
  for (const auto& line : table) {
    if (line.entry && is_managed(*line.entry)) continue;
    out += line.raw;
    out += '\n';
  }
}

struct Builder {
  const Directory& d;
  const RecordHashes& hashes;
  const CurrentFiles& current;
  const Tables& t;
  const AppliedState* state;
  int64_t today;
  Errors errors;
  Plan plan;

  Split<PasswdEntry> pw;
  Split<GroupEntry> gr;
  FirstIndex<std::string_view> user_index;   // directory user name -> index in d.users
  FirstIndex<std::string_view> group_index;  // directory group name -> index in d.groups
  std::vector<uint32_t> users_by_uid;        // indices into d.users
  std::vector<uint32_t> groups_by_gid;

  uint32_t gid_of(std::string_view group) const { return d.groups[group_index.find(group)].gid; }

  void index() {
    const std::string_view pw_label = current.label[index_of(EtcFile::passwd)];
    const std::string_view gr_label = current.label[index_of(EtcFile::group)];
    pw = split_by_range(t.passwd, d.managed_uid_range, [](const PasswdEntry& e) { return e.uid; }, pw_label, errors);
    gr = split_by_range(t.group, d.managed_gid_range, [](const GroupEntry& e) { return e.gid; }, gr_label, errors);
    group_index.reserve(d.groups.size());
    for (std::size_t i = 0; i < d.groups.size(); ++i) group_index.add(d.groups[i].name, static_cast<uint32_t>(i));
    user_index.reserve(d.users.size());
    for (std::size_t i = 0; i < d.users.size(); ++i) {
      const DirectoryUser& u = d.users[i];
      user_index.add(u.name, static_cast<uint32_t>(i));
      // Only a caller that skipped validation can get here with this.
      if (!group_index.contains(u.primary_group)) {
        errors.add("user {}: primary_group {} is not a group of this directory", quote(u.name), quote(u.primary_group));
      }
      if (const auto* line = pw.find_unmanaged(u.name)) {
        errors.add("user {}: name collides with an unmanaged entry at {}:{} (uid {}, outside managed_uid_range [{}, {}])",
                   quote(u.name), pw_label, line->number, line->entry->uid, d.managed_uid_range[0],
                   d.managed_uid_range[1]);
      }
      if (const auto* line = pw.find_managed(u.name); line != nullptr && line->entry->uid != u.uid) {
        errors.add("user {}: changing uid {} to {} is refused: an existing user keeps its uid (files on every "
                   "filesystem belong to it); remove the user in one revision and add it back in the next to renumber",
                   quote(u.name), line->entry->uid, u.uid);
      }
    }
    for (const DirectoryGroup& g : d.groups) {
      if (const auto* line = gr.find_unmanaged(g.name)) {
        errors.add("group {}: name collides with an unmanaged entry at {}:{} (gid {}, outside managed_gid_range [{}, {}])",
                   quote(g.name), gr_label, line->number, line->entry->gid, d.managed_gid_range[0],
                   d.managed_gid_range[1]);
      }
    }
    for (const auto& line : t.group) {
      if (line.entry && line.entry->name == "shadow" && !in_range(line.entry->gid, d.managed_gid_range)) {
        plan.shadow_gid = line.entry->gid;
      }
    }
    users_by_uid = sorted_by_id(d.users, [](const DirectoryUser& u) { return u.uid; });
    groups_by_gid = sorted_by_id(d.groups, [](const DirectoryGroup& g) { return g.gid; });
  }

  // Indices of `list` in id order. Directories are usually written in id
  // order already: checking costs one pass, sorting is the exception.
  template <typename T, typename IdOf>
  static std::vector<uint32_t> sorted_by_id(const std::vector<T>& list, IdOf id_of) {
    std::vector<uint32_t> order(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) order[i] = static_cast<uint32_t>(i);
    const auto by_id = [&](uint32_t a, uint32_t b) { return id_of(list[a]) < id_of(list[b]); };
    if (!std::is_sorted(order.begin(), order.end(), by_id)) std::stable_sort(order.begin(), order.end(), by_id);
    return order;
  }

  void set_file(EtcFile f, std::string content) {
    if (content != current.text[index_of(f)]) plan.files[index_of(f)] = std::move(content);
  }

  void users() {
    const Range& ur = d.managed_uid_range;
    // Shadow lines of managed or directory users are replaced; first one wins.
    FirstIndex<std::string_view> old_shadow(t.shadow.size());
    for (std::size_t i = 0; i < t.shadow.size(); ++i) {
      const auto& line = t.shadow[i];
      if (line.entry && (pw.managed.contains(line.entry->name) || user_index.contains(line.entry->name))) {
        old_shadow.add(line.entry->name, static_cast<uint32_t>(i));
      }
    }

    std::string passwd, shadow;
    passwd.reserve(current.text[0].size() + d.users.size() * 96);
    shadow.reserve(current.text[1].size() + d.users.size() * 160);
    copy_unmanaged(t.passwd, [&](const PasswdEntry& e) { return in_range(e.uid, ur); }, passwd);
    copy_unmanaged(t.shadow, [&](const ShadowEntry& e) { return old_shadow.contains(e.name); }, shadow);
    Layout& layout = plan.layout;
    layout.ranges = hashes.ranges;
    layout.settings = hashes.settings;
    layout.prefix[0] = static_cast<uint32_t>(passwd.size());
    layout.prefix[1] = static_cast<uint32_t>(shadow.size());
    for (const auto& line : t.passwd) {
      if (line.entry && !in_range(line.entry->uid, ur)) layout.unmanaged_users.emplace(line.entry->name);
    }
    for (const auto& line : t.shadow) {
      if (line.entry && !old_shadow.contains(line.entry->name)) layout.unmanaged_users.emplace(line.entry->name);
    }
    layout.users.reserve(d.users.size());
    layout.user_order.resize(d.users.size());
    layout.user_names.reserve(d.users.size());
    layout.uids.reserve(d.users.size());

    FirstIndex<std::string_view> applied(state != nullptr ? state->users.size() : 0);
    if (state != nullptr) {
      for (std::size_t i = 0; i < state->users.size(); ++i) applied.add(state->users[i].name, static_cast<uint32_t>(i));
    }
    char today_buffer[24];
    const std::string_view today_text(today_buffer,
                                      std::to_chars(today_buffer, today_buffer + sizeof today_buffer, today).ptr);
    plan.next_state.users.reserve(d.users.size());
    for (const uint32_t index : users_by_uid) {
      const DirectoryUser* u = &d.users[index];
      const uint32_t gid = gid_of(u->primary_group);
      const auto* existing = pw.find_managed(u->name);
      const bool created = existing == nullptr;

      // Lines are appended in place and compared where they landed: no
      // temporary string per entry.
      const std::size_t passwd_start = passwd.size();
      append_passwd_line(passwd, *u, gid);
      bool lines_changed = !created && existing->raw != std::string_view(passwd).substr(passwd_start);
      passwd += '\n';

      const std::size_t start = shadow.size();
      const uint32_t old = old_shadow.find(u->name);
      const bool has_old = !created && old != FirstIndex<std::string_view>::npos;
      append_shadow_line(shadow, *u, has_old ? &*t.shadow[old].entry : nullptr, today_text);
      if (has_old) {
        lines_changed = lines_changed || t.shadow[old].raw != std::string_view(shadow).substr(start);
      } else {
        lines_changed = lines_changed || !created;  // an existing user had no shadow entry
      }
      shadow += '\n';

      const uint64_t digest = user_digest(hashes.user_work[index], gid, hashes.settings);
      layout.user_order[index] = static_cast<uint32_t>(layout.users.size());
      layout.users.push_back({u->name, u->uid, gid, hashes.user_record[index], line_before(passwd, passwd_start),
                              line_before(shadow, start), digest, Progress::pending});
      layout.user_names.emplace(u->name, hashes.user_record[index]);
      layout.uids.emplace(u->uid, hashes.user_record[index]);
      const uint32_t prev_at = applied.find(u->name);
      const AppliedUser* prev = prev_at == FirstIndex<std::string_view>::npos ? nullptr : &state->users[prev_at];
      const UserDecision decision = decide_user(created, lines_changed, prev, digest, u->uid);
      if (decision.full_work || decision.quota_work) {
        plan.work.push_back({u, gid, created, decision.quota_work, plan.next_state.users.size()});
      }
      plan.next_state.users.push_back({u->name, u->uid, digest, decision.progress});
      layout.users.back().progress = decision.progress;
      const bool changed = decision.changed;
      if (created) ++plan.counts.users_added;
      else if (changed) ++plan.counts.users_changed;
    }
    set_file(EtcFile::passwd, std::move(passwd));
    set_file(EtcFile::shadow, std::move(shadow));

    pw.each_managed([&](const EtcLine<PasswdEntry>& line) {
      if (!user_index.contains(line.entry->name)) {
        plan.removed.push_back({std::string(line.entry->name), line.entry->uid, std::string(line.entry->home)});
      }
    });
    if (state != nullptr) {
      for (const AppliedUser& a : state->users) {
        if (!user_index.contains(a.name) && !pw.managed.contains(a.name)) plan.removed.push_back({a.name, a.uid, {}});
      }
    }
    // Reported by uid, as the files list them.
    std::stable_sort(plan.removed.begin(), plan.removed.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
    plan.counts.users_removed = static_cast<uint32_t>(plan.removed.size());
  }

  void groups() {
    const Range& gr_range = d.managed_gid_range;
    const GroupUsers extra_members(d, group_index);
    FirstIndex<std::string_view> old_gshadow(t.gshadow.size());
    for (std::size_t i = 0; i < t.gshadow.size(); ++i) {
      const auto& line = t.gshadow[i];
      if (line.entry && (gr.managed.contains(line.entry->name) || group_index.contains(line.entry->name))) {
        old_gshadow.add(line.entry->name, static_cast<uint32_t>(i));
      }
    }

    std::string group, gshadow, members;
    group.reserve(current.text[2].size() + d.groups.size() * 64);
    gshadow.reserve(current.text[3].size() + d.groups.size() * 64);
    copy_unmanaged(t.group, [&](const GroupEntry& e) { return in_range(e.gid, gr_range); }, group);
    copy_unmanaged(t.gshadow, [&](const GshadowEntry& e) { return old_gshadow.contains(e.name); }, gshadow);
    Layout& layout = plan.layout;
    layout.prefix[2] = static_cast<uint32_t>(group.size());
    layout.prefix[3] = static_cast<uint32_t>(gshadow.size());
    for (const auto& line : t.group) {
      if (line.entry && !in_range(line.entry->gid, gr_range)) layout.unmanaged_groups.emplace(line.entry->name);
    }
    for (const auto& line : t.gshadow) {
      if (line.entry && !old_gshadow.contains(line.entry->name)) layout.unmanaged_groups.emplace(line.entry->name);
    }
    layout.groups.reserve(d.groups.size());
    layout.group_order.resize(d.groups.size());
    layout.shadow_gid = plan.shadow_gid;
    for (const uint32_t index : groups_by_gid) {
      const DirectoryGroup* g = &d.groups[index];
      members.clear();
      append_members(members, *g, extra_members[index], d.users);
      const auto* existing = gr.find_managed(g->name);
      const bool created = existing == nullptr;
      std::size_t start = group.size();
      const std::size_t group_start = start;
      append_group_line(group, *g, members);
      bool changed = !created && existing->raw != std::string_view(group).substr(start);
      group += '\n';
      start = gshadow.size();
      append_gshadow_line(gshadow, *g, members);
      const uint32_t old = old_gshadow.find(g->name);
      changed = changed || (!created && (old == FirstIndex<std::string_view>::npos ||
                                         t.gshadow[old].raw != std::string_view(gshadow).substr(start)));
      gshadow += '\n';
      layout.group_order[index] = static_cast<uint32_t>(layout.groups.size());
      layout.groups.push_back({g->name, g->gid, hashes.group_record[index], line_before(group, group_start),
                               line_before(gshadow, start)});
      if (created) ++plan.counts.groups_added;
      else if (changed) ++plan.counts.groups_changed;
    }
    gr.each_managed([&](const EtcLine<GroupEntry>& line) {
      if (!group_index.contains(line.entry->name)) ++plan.counts.groups_removed;
    });
    set_file(EtcFile::group, std::move(group));
    set_file(EtcFile::gshadow, std::move(gshadow));
  }

  // Unmanaged groups are never edited, so a removed user they list stays
  // listed; the admin is told (grpck would complain about it).
  void warn_about_stale_members() {
    if (plan.removed.empty()) return;
    std::unordered_set<std::string_view> removed;
    for (const RemovedUser& r : plan.removed) removed.insert(r.name);
    gr.each_unmanaged([&](const EtcLine<GroupEntry>& l) {
      std::string_view rest = l.entry->members;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view m = rest.substr(0, comma);
        if (removed.contains(m)) {
          plan.warnings.push_back(fmt::format("unmanaged group {} (gid {}) still lists removed user {}",
                                              quote(l.entry->name), l.entry->gid, quote(m)));
        }
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      }
    });
    std::sort(plan.warnings.begin(), plan.warnings.end());
  }

  void states() {
    plan.next_state.ssh_keys_dir = d.ssh_keys_dir;
    plan.next_state.managed_user_directories = d.managed_user_directories;
    const AppliedState& before = state != nullptr ? *state : plan.next_state;
    plan.cleanup.ssh_keys_dir = before.ssh_keys_dir;
    plan.cleanup.managed_user_directories = before.managed_user_directories;
    if (state != nullptr && state->ssh_keys_dir != d.ssh_keys_dir) plan.old_ssh_keys_dir = state->ssh_keys_dir;
  }
};

}  // namespace

Result<Plan> plan_apply(const Directory& directory, const RecordHashes& hashes, const CurrentFiles& current,
                        const AppliedState* state, int64_t today) {
  auto tables = parse_all(current);
  if (!tables) return std::move(tables).error();
  Builder b{directory, hashes, current, *tables, state, today, {}, {}, {}, {}, {}, {}, {}, {}};
  b.index();
  if (!b.errors.empty()) return std::move(b.errors).error();
  b.users();
  b.groups();
  b.warn_about_stale_members();
  b.states();
  return std::move(b.plan);
}

Result<Plan> plan_apply(const Directory& directory, const CurrentFiles& current, const AppliedState* state,
                        int64_t today) {
  return plan_apply(directory, hash_records(directory), current, state, today);
}

}  // namespace herd::directory
