#include "directory/delta_plan.hpp"

#include <algorithm>
#include <charconv>

#include "directory/plan_lines.hpp"
#include "directory/validate.hpp"

namespace herd::directory {
namespace {

using protocol::Directory, protocol::DirectoryGroup, protocol::DirectoryUser;
constexpr uint32_t npos = FirstIndex<std::string_view>::npos;

// How far ahead the alignment looks for a record that is still there after
// some were removed; further moves count as changes (still correct).
constexpr std::size_t kLookahead = 8;

// The records that stayed in order, and the new ones. `old_at(j)` is the
// hash of the last directory's record j; kept_old[j] gets the index of the
// new record that matched it, or npos.
template <typename OldAt>
void align(const std::vector<uint64_t>& now, std::size_t old_count, OldAt old_at, std::vector<uint32_t>& kept_old,
           std::vector<uint32_t>& fresh) {
  kept_old.assign(old_count, npos);
  std::size_t j = 0;
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (j < old_count && old_at(j) == now[i]) {
      kept_old[j++] = static_cast<uint32_t>(i);
      continue;
    }
    std::size_t k = 1;
    while (k <= kLookahead && j + k < old_count && old_at(j + k) != now[i]) ++k;
    if (k <= kLookahead && j + k < old_count) {
      j += k;  // old records j..j+k-1 left (or changed)
      kept_old[j++] = static_cast<uint32_t>(i);
    } else {
      fresh.push_back(static_cast<uint32_t>(i));
    }
  }
}

// Field `n` (0-based) of a ':'-separated line.
std::string_view field(std::string_view line, std::size_t n) {
  for (; n > 0; --n) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return {};
    line.remove_prefix(colon + 1);
  }
  return line.substr(0, line.find(':'));
}

class Delta {
 public:
  Delta(const DeltaInput& in, Layout& layout) : in_(in), d_(in.directory), h_(in.hashes), old_(layout) {}

  std::optional<Plan> run() {
    if (h_.ranges != old_.ranges || h_.settings != old_.settings) return std::nullopt;
    for (const std::string* t : in_.text) {
      if (t == nullptr) return std::nullopt;
    }
    if (d_.users.size() > protocol::kMaxUsers || d_.groups.size() > protocol::kMaxGroups) return std::nullopt;
    if (!align_users() || !index_groups() || !check_users() || !check_groups()) return std::nullopt;
    if (!plan_users()) return std::nullopt;
    plan_groups();
    finish();
    return std::move(plan_);
  }

 private:
  // ---- what changed ----------------------------------------------------------

  bool align_users() {
    const std::size_t limit = d_.users.size() / 8 + 64;
    align(h_.user_record, old_.user_order.size(),
          [&](std::size_t j) { return old_.users[old_.user_order[j]].record; }, kept_old_, fresh_);
    // By position in the old uid order: which stayed, as which new index.
    new_of_pos_.assign(old_.users.size(), npos);
    for (std::size_t j = 0; j < kept_old_.size(); ++j) {
      if (kept_old_[j] == npos) {
        dropped_.push_back(old_.user_order[j]);
      } else {
        new_of_pos_[old_.user_order[j]] = kept_old_[j];
      }
    }
    if (fresh_.size() > limit || dropped_.size() > limit) return false;
    std::sort(dropped_.begin(), dropped_.end());  // uid order
    dropped_by_name_.reserve(dropped_.size());
    for (const uint32_t pos : dropped_) {
      dropped_by_name_.add(old_.users[pos].name, pos);
      dropped_records_.add(old_.users[pos].record, pos);
    }
    fresh_by_name_.reserve(fresh_.size());
    for (const uint32_t i : fresh_) {
      if (fresh_by_name_.add(d_.users[i].name, i) != i) return false;  // a name twice
      if (fresh_uids_.add(d_.users[i].uid, i) != i) return false;      // a uid twice
    }
    return true;
  }

  // Groups are few: indexed whole. Renumbered or removed groups decline
  // (users that did not change may name them).
  bool index_groups() {
    group_index_.reserve(d_.groups.size());
    FirstIndex<uint32_t> gids(d_.groups.size());
    for (std::size_t i = 0; i < d_.groups.size(); ++i) {
      const auto at = static_cast<uint32_t>(i);
      if (group_index_.add(d_.groups[i].name, at) != at || gids.add(d_.groups[i].gid, at) != at) return false;
    }
    old_groups_.reserve(old_.groups.size());
    for (std::size_t p = 0; p < old_.groups.size(); ++p) {
      const LayoutGroup& g = old_.groups[p];
      old_groups_.add(g.name, static_cast<uint32_t>(p));
      const uint32_t now = group_index_.find(g.name);
      if (now == npos || d_.groups[now].gid != g.gid) return false;
    }
    return true;
  }

  // A user of the new directory with this name, other than a fresh one.
  [[nodiscard]] bool kept_user_named(std::string_view name) const {
    const auto it = old_.user_names.find(std::string(name));
    return it != old_.user_names.end() && !dropped_records_.contains(it->second);
  }
  [[nodiscard]] bool user_exists(std::string_view name) const {
    return fresh_by_name_.contains(name) || kept_user_named(name);
  }

  // ---- validation of what changed ---------------------------------------------
  // Records that stayed passed every check last time, against the same ranges
  // and templates and groups that are all still there; so only the changed
  // records and their relations to the rest are checked here.

  bool check_users() {
    for (const uint32_t i : fresh_) {
      const DirectoryUser& u = d_.users[i];
      const bool known = in_.valid_users != nullptr && in_.valid_users->contains(h_.user_record[i]);
      if (!known && !user_valid_alone(u, d_.managed_uid_range)) return false;
      if (!known && in_.valid_users != nullptr) in_.valid_users->add(h_.user_record[i], 0);
      if (!group_index_.contains(u.primary_group)) return false;
      for (const std::string& g : u.groups) {
        if (!group_index_.contains(g)) return false;
      }
      if (kept_user_named(u.name)) return false;
      if (const auto it = old_.uids.find(u.uid); it != old_.uids.end() && !dropped_records_.contains(it->second)) {
        return false;
      }
    }
    // Names that are gone: no group may list them (a validation error), and no
    // unmanaged group either (a warning the full plan gives).
    for (const uint32_t pos : dropped_) {
      if (!fresh_by_name_.contains(old_.users[pos].name)) removed_names_.add(old_.users[pos].name, pos);
    }
    if (removed_names_.size() == 0) return true;
    for (const DirectoryGroup& g : d_.groups) {
      for (const std::string& m : g.members) {
        if (removed_names_.contains(m)) return false;
      }
    }
    auto unmanaged = parse_group(std::string_view(*in_.text[2]).substr(0, old_.prefix[2]), "group");
    if (!unmanaged) return false;
    for (const auto& line : *unmanaged) {
      if (!line.entry) continue;
      std::string_view rest = line.entry->members;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (removed_names_.contains(rest.substr(0, comma))) return false;
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      }
    }
    return true;
  }

  bool check_groups() {
    for (std::size_t i = 0; i < d_.groups.size(); ++i) {
      const DirectoryGroup& g = d_.groups[i];
      const uint32_t old = old_groups_.find(g.name);
      if (old != npos && old_.groups[old].record == h_.group_record[i]) continue;  // as last time
      if (old == npos && old_.unmanaged_groups.contains(g.name)) return false;      // a collision
      const bool known = in_.valid_groups != nullptr && in_.valid_groups->contains(h_.group_record[i]);
      if (!known && !group_valid_alone(g, d_.managed_gid_range)) return false;
      if (!known && in_.valid_groups != nullptr) in_.valid_groups->add(h_.group_record[i], 0);
      for (const std::string& m : g.members) {
        if (!user_exists(m)) return false;
      }
      changed_groups_ = true;
    }
    return true;
  }

  // ---- users ---------------------------------------------------------------------

  bool plan_users() {
    // Fresh users in uid order, each with what it was (a dropped old entry of
    // the same name) if anything.
    std::vector<uint32_t> fresh = fresh_;
    std::sort(fresh.begin(), fresh.end(), [&](uint32_t a, uint32_t b) { return d_.users[a].uid < d_.users[b].uid; });
    for (const uint32_t i : fresh) {
      const uint32_t was = dropped_by_name_.find(d_.users[i].name);
      if (was == npos && old_.unmanaged_users.contains(d_.users[i].name)) return false;  // collision or stale shadow line
      if (was != npos && old_.users[was].uid != d_.users[i].uid) return false;           // the full plan refuses it
    }
    char today_buffer[24];
    today_ = std::string(today_buffer, std::to_chars(today_buffer, today_buffer + sizeof today_buffer, in_.today).ptr);

    const std::string& old_passwd = *in_.text[0];
    const std::string& old_shadow = *in_.text[1];
    std::string passwd(old_passwd, 0, old_.prefix[0]);
    std::string shadow(old_shadow, 0, old_.prefix[1]);
    passwd.reserve(old_passwd.size() + fresh.size() * 128);
    shadow.reserve(old_shadow.size() + fresh.size() * 192);
    users_.reserve(d_.users.size());
    user_order_.assign(d_.users.size(), npos);
    plan_.next_state.users.reserve(d_.users.size());

    std::size_t f = 0;
    for (std::size_t pos = 0; pos < old_.users.size() || f < fresh.size();) {
      if (pos < old_.users.size() && new_of_pos_[pos] == npos) {
        removed(pos++);
      } else if (f < fresh.size() && (pos == old_.users.size() || d_.users[fresh[f]].uid < old_.users[pos].uid)) {
        if (!changed(fresh[f++], passwd, shadow)) return false;
      } else {
        kept(pos++, passwd, shadow);
      }
    }
    set_file(EtcFile::passwd, std::move(passwd));
    set_file(EtcFile::shadow, std::move(shadow));
    plan_.counts.users_removed = static_cast<uint32_t>(plan_.removed.size());
    return true;
  }

  void kept(std::size_t pos, std::string& passwd, std::string& shadow) {
    const LayoutUser& row = old_.users[pos];
    const uint32_t index = new_of_pos_[pos];
    LayoutUser next = row;
    next.passwd = copy_line(row.passwd.in(*in_.text[0]), passwd);
    next.shadow = copy_line(row.shadow.in(*in_.text[1]), shadow);
    // Same record, gid and templates: same digest; only unfinished work is redone.
    if (row.progress != Progress::complete) {
      const bool quota_only = row.progress == Progress::quota_pending;
      plan_.work.push_back({&d_.users[index], row.gid, false, quota_only, plan_.next_state.users.size()});
      if (!quota_only) next.progress = Progress::pending;
    }
    plan_.next_state.users.push_back({row.name, row.uid, row.digest, next.progress});
    user_order_[index] = static_cast<uint32_t>(users_.size());
    users_.push_back(std::move(next));
  }

  bool changed(uint32_t index, std::string& passwd, std::string& shadow) {
    const DirectoryUser& u = d_.users[index];
    const uint32_t was = dropped_by_name_.find(u.name);
    const LayoutUser* prev = was == npos ? nullptr : &old_.users[was];
    const bool created = prev == nullptr;
    const uint32_t gid = d_.groups[group_index_.find(u.primary_group)].gid;

    const std::size_t passwd_start = passwd.size();
    append_passwd_line(passwd, u, gid);
    bool lines_changed = !created && prev->passwd.in(*in_.text[0]) != std::string_view(passwd).substr(passwd_start);
    passwd += '\n';

    const std::size_t shadow_start = shadow.size();
    std::optional<ShadowEntry> old_entry;
    if (!created) {
      auto parsed = parse_shadow(prev->shadow.in(*in_.text[1]), "shadow");
      if (!parsed || parsed->size() != 1 || !(*parsed)[0].entry) return false;
      old_entry = (*parsed)[0].entry;
    }
    append_shadow_line(shadow, u, old_entry ? &*old_entry : nullptr, today_);
    if (!created) lines_changed = lines_changed || prev->shadow.in(*in_.text[1]) != std::string_view(shadow).substr(shadow_start);
    shadow += '\n';

    const uint64_t digest = user_digest(h_.user_work[index], gid, h_.settings);
    const AppliedUser prev_state = created ? AppliedUser{} : AppliedUser{prev->name, prev->uid, prev->digest, prev->progress};
    const UserDecision decision = decide_user(created, lines_changed, created ? nullptr : &prev_state, digest, u.uid);
    if (decision.full_work || decision.quota_work) {
      plan_.work.push_back({&u, gid, created, decision.quota_work, plan_.next_state.users.size()});
    }
    plan_.next_state.users.push_back({u.name, u.uid, digest, decision.progress});
    user_order_[index] = static_cast<uint32_t>(users_.size());
    users_.push_back({u.name, u.uid, gid, h_.user_record[index], line_before(passwd, passwd_start),
                      line_before(shadow, shadow_start), digest, decision.progress});
    if (created) ++plan_.counts.users_added;
    else if (decision.changed) ++plan_.counts.users_changed;
    return true;
  }

  void removed(std::size_t pos) {
    const LayoutUser& row = old_.users[pos];
    if (fresh_by_name_.contains(row.name)) return;  // changed, not removed
    plan_.removed.push_back({row.name, row.uid, std::string(field(row.passwd.in(*in_.text[0]), 5))});
  }

  // ---- groups --------------------------------------------------------------------

  void plan_groups() {
    if (!changed_groups_ && fresh_.empty() && dropped_.empty()) {
      groups_ = old_.groups;  // no record that decides a group line changed
      group_order_ = old_.group_order;
      return;
    }
    const GroupUsers extra(d_, group_index_);
    std::vector<uint32_t> by_gid(d_.groups.size());
    for (std::size_t i = 0; i < by_gid.size(); ++i) by_gid[i] = static_cast<uint32_t>(i);
    const auto gid_less = [&](uint32_t a, uint32_t b) { return d_.groups[a].gid < d_.groups[b].gid; };
    if (!std::is_sorted(by_gid.begin(), by_gid.end(), gid_less)) std::stable_sort(by_gid.begin(), by_gid.end(), gid_less);

    const std::string& old_group = *in_.text[2];
    const std::string& old_gshadow = *in_.text[3];
    std::string group(old_group, 0, old_.prefix[2]);
    std::string gshadow(old_gshadow, 0, old_.prefix[3]);
    std::string members;
    group_order_.assign(d_.groups.size(), npos);
    groups_.reserve(d_.groups.size());
    for (const uint32_t index : by_gid) {
      const DirectoryGroup& g = d_.groups[index];
      members.clear();
      append_members(members, g, extra[index], d_.users);
      const uint32_t old = old_groups_.find(g.name);
      const std::size_t group_start = group.size();
      append_group_line(group, g, members);
      bool changed = old != npos && old_.groups[old].group.in(old_group) != std::string_view(group).substr(group_start);
      group += '\n';
      const std::size_t gshadow_start = gshadow.size();
      append_gshadow_line(gshadow, g, members);
      changed = changed ||
                (old != npos && old_.groups[old].gshadow.in(old_gshadow) != std::string_view(gshadow).substr(gshadow_start));
      gshadow += '\n';
      group_order_[index] = static_cast<uint32_t>(groups_.size());
      groups_.push_back({g.name, g.gid, h_.group_record[index], line_before(group, group_start),
                         line_before(gshadow, gshadow_start)});
      if (old == npos) ++plan_.counts.groups_added;
      else if (changed) ++plan_.counts.groups_changed;
    }
    set_file(EtcFile::group, std::move(group));
    set_file(EtcFile::gshadow, std::move(gshadow));
  }

  // ---- the result ----------------------------------------------------------------

  void finish() {
    plan_.next_state.ssh_keys_dir = d_.ssh_keys_dir;
    plan_.next_state.managed_user_directories = d_.managed_user_directories;
    // Same templates as last time (the settings hash): nothing moved.
    plan_.cleanup.ssh_keys_dir = d_.ssh_keys_dir;
    plan_.cleanup.managed_user_directories = d_.managed_user_directories;
    plan_.shadow_gid = old_.shadow_gid;

    for (const uint32_t pos : dropped_) {
      old_.user_names.erase(old_.users[pos].name);
      old_.uids.erase(old_.users[pos].uid);
    }
    for (const uint32_t i : fresh_) {
      old_.user_names.emplace(d_.users[i].name, h_.user_record[i]);
      old_.uids.emplace(d_.users[i].uid, h_.user_record[i]);
    }
    Layout& next = plan_.layout;
    next.ranges = old_.ranges;
    next.settings = old_.settings;
    next.prefix = old_.prefix;
    next.shadow_gid = old_.shadow_gid;
    next.users = std::move(users_);
    next.user_order = std::move(user_order_);
    next.groups = std::move(groups_);
    next.group_order = std::move(group_order_);
    next.unmanaged_users = std::move(old_.unmanaged_users);
    next.unmanaged_groups = std::move(old_.unmanaged_groups);
    next.user_names = std::move(old_.user_names);
    next.uids = std::move(old_.uids);
  }

  Span copy_line(std::string_view line, std::string& out) {
    const std::size_t start = out.size();
    out += line;
    out += '\n';
    return line_before(out, start);
  }

  static Span line_before(const std::string& text, std::size_t start) {
    return {static_cast<uint32_t>(start), static_cast<uint32_t>(text.size() - start - 1)};
  }

  void set_file(EtcFile f, std::string content) {
    const auto i = static_cast<std::size_t>(f);
    if (content != *in_.text[i]) plan_.files[i] = std::move(content);
  }

  const DeltaInput& in_;
  const Directory& d_;
  const RecordHashes& h_;
  Layout& old_;
  Plan plan_;
  std::string today_;

  std::vector<uint32_t> kept_old_;    // by old directory index: the new index, or npos
  std::vector<uint32_t> new_of_pos_;  // by old uid position: the new index, or npos
  std::vector<uint32_t> fresh_;       // new indices that match no old record in place
  std::vector<uint32_t> dropped_;     // old uid positions that no new record matched
  FirstIndex<std::string_view> dropped_by_name_, fresh_by_name_, removed_names_;
  FirstIndex<uint64_t> dropped_records_;
  FirstIndex<uint32_t> fresh_uids_;
  FirstIndex<std::string_view> group_index_, old_groups_;
  bool changed_groups_ = false;

  std::vector<LayoutUser> users_;
  std::vector<uint32_t> user_order_;
  std::vector<LayoutGroup> groups_;
  std::vector<uint32_t> group_order_;
};

}  // namespace

std::optional<Plan> plan_delta(const DeltaInput& in, Layout& layout) { return Delta(in, layout).run(); }

}  // namespace herd::directory
