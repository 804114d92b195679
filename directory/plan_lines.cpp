#include "directory/plan_lines.hpp"

#include <charconv>
#include <unordered_set>

namespace herd::directory {
namespace {

// shadow fields 4-9 for a new user: what useradd writes with Debian's login.defs.
constexpr std::string_view kNewUserAging = "0:99999:7:::";

}  // namespace

void append_fields(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ':';
    out += f;
    first = false;
  }
}

void append_number(std::string& out, uint64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void append_passwd_line(std::string& out, const protocol::DirectoryUser& u, uint32_t gid) {
  append_fields(out, {u.name, "x"});
  out += ':';
  append_number(out, u.uid);
  out += ':';
  append_number(out, gid);
  out += ':';
  append_fields(out, {u.gecos, u.home, u.shell});
}

void append_shadow_line(std::string& out, const protocol::DirectoryUser& u, const ShadowEntry* old,
                        std::string_view today) {
  if (old == nullptr) {
    append_fields(out, {u.name, u.password, today, kNewUserAging});
    return;
  }
  const bool replace = u.update_password == protocol::UpdatePassword::always && old->password != u.password;
  append_fields(out, {u.name, replace ? std::string_view(u.password) : old->password,
                      replace ? today : old->last_change, old->aging});
}

void append_members(std::string& out, const protocol::DirectoryGroup& g, std::span<const uint32_t> extra,
                    const std::vector<protocol::DirectoryUser>& users) {
  const std::size_t start = out.size();
  for (const std::string& m : g.members) {
    if (out.size() != start) out += ',';
    out += m;
  }
  // Most groups list no members of their own: no set to build.
  std::unordered_set<std::string_view> listed;
  if (!g.members.empty() && !extra.empty()) listed.insert(g.members.begin(), g.members.end());
  for (const uint32_t user : extra) {
    const std::string& m = users[user].name;
    if (listed.contains(m)) continue;
    if (out.size() != start) out += ',';
    out += m;
  }
}

void append_group_line(std::string& out, const protocol::DirectoryGroup& g, std::string_view members) {
  append_fields(out, {g.name, "x"});
  out += ':';
  append_number(out, g.gid);
  out += ':';
  out += members;
}

void append_gshadow_line(std::string& out, const protocol::DirectoryGroup& g, std::string_view members) {
  append_fields(out, {g.name, "!", "", members});
}

GroupUsers::GroupUsers(const protocol::Directory& d, const FirstIndex<std::string_view>& group_index)
    : start_(d.groups.size() + 1, 0) {
  // One lookup per reference, remembered; then counted and placed.
  std::vector<uint32_t> refs;
  refs.reserve(d.users.size() * 2);
  for (const protocol::DirectoryUser& u : d.users) {
    for (const std::string& g : u.groups) refs.push_back(group_index.find(g));
  }
  for (const uint32_t g : refs) {
    if (g != FirstIndex<std::string_view>::npos) ++start_[g + 1];
  }
  for (std::size_t g = 1; g < start_.size(); ++g) start_[g] += start_[g - 1];
  users_.resize(start_.back());
  std::vector<uint32_t> next(start_.begin(), start_.end() - 1);
  std::size_t r = 0;
  for (std::size_t i = 0; i < d.users.size(); ++i) {
    for (std::size_t k = 0; k < d.users[i].groups.size(); ++k, ++r) {
      if (refs[r] != FirstIndex<std::string_view>::npos) users_[next[refs[r]]++] = static_cast<uint32_t>(i);
    }
  }
}

UserDecision decide_user(bool created, bool lines_changed, const AppliedUser* prev, uint64_t digest, uint32_t uid) {
  UserDecision d;
  d.changed = lines_changed || (prev != nullptr && prev->digest != digest);
  d.full_work = created || prev == nullptr || prev->digest != digest || prev->progress == Progress::pending ||
                prev->uid != uid;
  d.quota_work = !d.full_work && prev->progress == Progress::quota_pending;
  d.progress = d.full_work ? Progress::pending : prev->progress;
  return d;
}

}  // namespace herd::directory
