#include "directory/plan.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "directory/diagnostics.hpp"

namespace herd::directory {
namespace {

using protocol::Directory, protocol::DirectoryGroup, protocol::DirectoryUser;
using Range = std::array<uint32_t, 2>;

// shadow fields 4-9 for a new user: what useradd writes with Debian's login.defs.
constexpr std::string_view kNewUserAging = "0:99999:7:::";

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

// The managed and unmanaged entries of one id-keyed file, by name.
template <typename Entry>
struct Split {
  std::unordered_map<std::string_view, const EtcLine<Entry>*> managed;
  std::unordered_map<std::string_view, const EtcLine<Entry>*> unmanaged;
};

template <typename Entry, typename IdOf>
Split<Entry> split_by_range(const EtcTable<Entry>& table, const Range& r, IdOf id_of, std::string_view label,
                            Errors& errors) {
  Split<Entry> s;
  s.managed.reserve(table.size());
  for (const auto& line : table) {
    if (!line.entry) continue;
    auto& side = in_range(id_of(*line.entry), r) ? s.managed : s.unmanaged;
    auto [it, fresh] = side.emplace(line.entry->name, &line);
    if (!fresh && &side == &s.managed) {
      errors.add("{}:{}: managed entry {} appears twice (also line {})", label, line.number, quote(line.entry->name),
                 it->second->number);
    }
  }
  return s;
}

// Appends the fields of one /etc line, ':'-separated (no newline).
void append(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ':';
    out += f;
    first = false;
  }
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
  const CurrentFiles& current;
  const Tables& t;
  const AppliedState* state;
  int64_t today;
  Errors errors;
  Plan plan;

  Split<PasswdEntry> pw;
  Split<GroupEntry> gr;
  std::unordered_map<std::string_view, uint32_t> gid_of_group;
  std::vector<const DirectoryUser*> users_by_uid;
  std::vector<const DirectoryGroup*> groups_by_gid;

  void index() {
    const std::string_view pw_label = current.label[index_of(EtcFile::passwd)];
    const std::string_view gr_label = current.label[index_of(EtcFile::group)];
    pw = split_by_range(t.passwd, d.managed_uid_range, [](const PasswdEntry& e) { return e.uid; }, pw_label, errors);
    gr = split_by_range(t.group, d.managed_gid_range, [](const GroupEntry& e) { return e.gid; }, gr_label, errors);
    for (const DirectoryUser& u : d.users) {
      if (auto it = pw.unmanaged.find(u.name); it != pw.unmanaged.end()) {
        errors.add("user {}: name collides with an unmanaged entry at {}:{} (uid {}, outside managed_uid_range [{}, {}])",
                   quote(u.name), pw_label, it->second->number, it->second->entry->uid, d.managed_uid_range[0],
                   d.managed_uid_range[1]);
      }
      if (auto it = pw.managed.find(u.name); it != pw.managed.end() && it->second->entry->uid != u.uid) {
        errors.add("user {}: changing uid {} to {} is refused: an existing user keeps its uid (files on every "
                   "filesystem belong to it); remove the user in one revision and add it back in the next to renumber",
                   quote(u.name), it->second->entry->uid, u.uid);
      }
    }
    for (const DirectoryGroup& g : d.groups) {
      if (auto it = gr.unmanaged.find(g.name); it != gr.unmanaged.end()) {
        errors.add("group {}: name collides with an unmanaged entry at {}:{} (gid {}, outside managed_gid_range [{}, {}])",
                   quote(g.name), gr_label, it->second->number, it->second->entry->gid, d.managed_gid_range[0],
                   d.managed_gid_range[1]);
      }
      gid_of_group.emplace(g.name, g.gid);
    }
    for (const auto& line : t.group) {
      if (line.entry && line.entry->name == "shadow" && !in_range(line.entry->gid, d.managed_gid_range)) {
        plan.shadow_gid = line.entry->gid;
      }
    }
    users_by_uid.reserve(d.users.size());
    for (const DirectoryUser& u : d.users) users_by_uid.push_back(&u);
    std::sort(users_by_uid.begin(), users_by_uid.end(), [](auto* a, auto* b) { return a->uid < b->uid; });
    groups_by_gid.reserve(d.groups.size());
    for (const DirectoryGroup& g : d.groups) groups_by_gid.push_back(&g);
    std::sort(groups_by_gid.begin(), groups_by_gid.end(), [](auto* a, auto* b) { return a->gid < b->gid; });
  }

  void set_file(EtcFile f, std::string content) {
    if (content != current.text[index_of(f)]) plan.files[index_of(f)] = std::move(content);
  }

  void users() {
    const Range& ur = d.managed_uid_range;
    std::unordered_set<std::string_view> directory_names;
    directory_names.reserve(d.users.size());
    for (const DirectoryUser& u : d.users) directory_names.insert(u.name);
    std::unordered_map<std::string_view, const EtcLine<ShadowEntry>*> old_shadow;
    for (const auto& line : t.shadow) {
      if (line.entry && (pw.managed.contains(line.entry->name) || directory_names.contains(line.entry->name))) {
        old_shadow.emplace(line.entry->name, &line);
      }
    }

    std::string passwd, shadow;
    passwd.reserve(current.text[0].size() + d.users.size() * 96);
    shadow.reserve(current.text[1].size() + d.users.size() * 160);
    copy_unmanaged(t.passwd, [&](const PasswdEntry& e) { return in_range(e.uid, ur); }, passwd);
    copy_unmanaged(t.shadow, [&](const ShadowEntry& e) { return old_shadow.contains(e.name); }, shadow);

    std::unordered_map<std::string_view, const AppliedUser*> applied;
    if (state != nullptr) {
      for (const AppliedUser& a : state->users) applied.emplace(a.name, &a);
    }
    const uint64_t settings = settings_digest(d);
    const std::string today_text = std::to_string(today);
    std::string scratch;
    for (const DirectoryUser* u : users_by_uid) {
      const uint32_t gid = gid_of_group.at(u->primary_group);
      const auto existing = pw.managed.find(u->name);
      const bool created = existing == pw.managed.end();
      bool changed = false;

      // Lines are appended in place and compared where they landed: no
      // temporary string per entry.
      std::size_t start = passwd.size();
      append(passwd, {u->name, "x", std::to_string(u->uid), std::to_string(gid), u->gecos, u->home, u->shell});
      if (!created) changed = existing->second->raw != std::string_view(passwd).substr(start);
      passwd += '\n';

      start = shadow.size();
      const auto old = old_shadow.find(u->name);
      if (!created && old != old_shadow.end()) {
        const ShadowEntry& o = *old->second->entry;
        const bool replace = u->update_password == protocol::UpdatePassword::always && o.password != u->password;
        append(shadow, {u->name, replace ? std::string_view(u->password) : o.password,
                        replace ? std::string_view(today_text) : o.last_change, o.aging});
        changed = changed || old->second->raw != std::string_view(shadow).substr(start);
      } else {
        append(shadow, {u->name, u->password, today_text, kNewUserAging});
        changed = changed || !created;  // an existing user had no shadow entry
      }
      shadow += '\n';

      const uint64_t digest = user_digest(*u, gid, settings, scratch);
      const auto prev = applied.find(u->name);
      const bool known = prev != applied.end();
      if (known && prev->second->digest != digest) changed = true;
      const bool full_work = created || !known || prev->second->digest != digest ||
                             prev->second->progress == Progress::pending || prev->second->uid != u->uid;
      const bool quota_work = !full_work && prev->second->progress == Progress::quota_pending;
      if (full_work || quota_work) plan.work.push_back({u, gid, created, quota_work, plan.next_state.users.size()});
      plan.next_state.users.push_back({u->name, u->uid, digest, full_work ? Progress::pending : prev->second->progress});
      if (created) ++plan.counts.users_added;
      else if (changed) ++plan.counts.users_changed;
    }
    set_file(EtcFile::passwd, std::move(passwd));
    set_file(EtcFile::shadow, std::move(shadow));

    for (const auto& [name, line_ptr] : pw.managed) {
      if (directory_names.contains(name)) continue;
      plan.removed.push_back({std::string(name), line_ptr->entry->uid, std::string(line_ptr->entry->home)});
    }
    if (state != nullptr) {
      for (const AppliedUser& a : state->users) {
        if (!directory_names.contains(a.name) && !pw.managed.contains(a.name)) plan.removed.push_back({a.name, a.uid, {}});
      }
    }
    // Hash-map order is not the admin's: report removals by uid.
    std::sort(plan.removed.begin(), plan.removed.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
    plan.counts.users_removed = static_cast<uint32_t>(plan.removed.size());
  }

  void groups() {
    const Range& gr_range = d.managed_gid_range;
    std::unordered_map<std::string_view, std::vector<std::string_view>> extra_members;
    for (const DirectoryUser& u : d.users) {
      for (const std::string& g : u.groups) extra_members[g].push_back(u.name);
    }
    std::unordered_set<std::string_view> directory_names;
    for (const DirectoryGroup& g : d.groups) directory_names.insert(g.name);
    std::unordered_map<std::string_view, const EtcLine<GshadowEntry>*> old_gshadow;
    for (const auto& line : t.gshadow) {
      if (line.entry && (gr.managed.contains(line.entry->name) || directory_names.contains(line.entry->name))) {
        old_gshadow.emplace(line.entry->name, &line);
      }
    }

    std::string group, gshadow, members;
    group.reserve(current.text[2].size() + d.groups.size() * 64);
    gshadow.reserve(current.text[3].size() + d.groups.size() * 64);
    copy_unmanaged(t.group, [&](const GroupEntry& e) { return in_range(e.gid, gr_range); }, group);
    copy_unmanaged(t.gshadow, [&](const GshadowEntry& e) { return old_gshadow.contains(e.name); }, gshadow);
    for (const DirectoryGroup* g : groups_by_gid) {
      members.clear();
      std::unordered_set<std::string_view> listed(g->members.begin(), g->members.end());
      for (const std::string& m : g->members) {
        if (!members.empty()) members += ',';
        members += m;
      }
      if (auto it = extra_members.find(g->name); it != extra_members.end()) {
        for (std::string_view m : it->second) {
          if (listed.contains(m)) continue;
          if (!members.empty()) members += ',';
          members += m;
        }
      }
      const auto existing = gr.managed.find(g->name);
      const bool created = existing == gr.managed.end();
      std::size_t start = group.size();
      append(group, {g->name, "x", std::to_string(g->gid), members});
      bool changed = !created && existing->second->raw != std::string_view(group).substr(start);
      group += '\n';
      start = gshadow.size();
      append(gshadow, {g->name, "!", "", members});
      const auto old = old_gshadow.find(g->name);
      changed = changed ||
                (!created && (old == old_gshadow.end() || old->second->raw != std::string_view(gshadow).substr(start)));
      gshadow += '\n';
      if (created) ++plan.counts.groups_added;
      else if (changed) ++plan.counts.groups_changed;
    }
    for (const auto& [name, l] : gr.managed) {
      if (!directory_names.contains(name)) ++plan.counts.groups_removed;
    }
    set_file(EtcFile::group, std::move(group));
    set_file(EtcFile::gshadow, std::move(gshadow));
  }

  // Unmanaged groups are never edited, so a removed user they list stays
  // listed; the admin is told (grpck would complain about it).
  void warn_about_stale_members() {
    if (plan.removed.empty()) return;
    std::unordered_set<std::string_view> removed;
    for (const RemovedUser& r : plan.removed) removed.insert(r.name);
    for (const auto& [name, l] : gr.unmanaged) {
      std::string_view rest = l->entry->members;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view m = rest.substr(0, comma);
        if (removed.contains(m)) {
          plan.warnings.push_back(fmt::format("unmanaged group {} (gid {}) still lists removed user {}", quote(name),
                                              l->entry->gid, quote(m)));
        }
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      }
    }
    std::sort(plan.warnings.begin(), plan.warnings.end());
  }

  void states() {
    plan.next_state.ssh_keys_dir = d.ssh_keys_dir;
    plan.next_state.managed_user_directories = d.managed_user_directories;
    plan.cleanup = state != nullptr ? *state : plan.next_state;
    plan.cleanup.users.clear();
    if (state != nullptr && state->ssh_keys_dir != d.ssh_keys_dir) plan.old_ssh_keys_dir = state->ssh_keys_dir;
  }
};

}  // namespace

Result<Plan> plan_apply(const Directory& directory, const CurrentFiles& current, const AppliedState* state,
                        int64_t today) {
  auto tables = parse_all(current);
  if (!tables) return std::move(tables).error();
  Builder b{directory, current, *tables, state, today, {}, {}, {}, {}, {}, {}, {}};
  b.index();
  if (!b.errors.empty()) return std::move(b.errors).error();
  b.users();
  b.groups();
  b.warn_about_stale_members();
  b.states();
  return std::move(b.plan);
}

}  // namespace herd::directory
