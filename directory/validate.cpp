#include "directory/validate.hpp"

#include <unordered_set>

#include "directory/credentials.hpp"
#include "directory/first_index.hpp"
#include "directory/path_template.hpp"
#include "directory/text_rules.hpp"

namespace herd::directory {
namespace {

using protocol::Directory;
using protocol::DirectoryGroup;
using protocol::DirectoryUser;
using Range = std::array<uint32_t, 2>;

// Where a problem is. Paths and subjects are only built when there is a
// problem: a valid directory of 10,000 users must validate in milliseconds.
struct Place {
  std::string_view list;  // "users", "groups"; empty for directory-level fields
  std::size_t index = 0;
  std::string_view kind;  // "user", "group"
  std::string_view name;

  [[nodiscard]] std::string path(std::string_view suffix) const {
    if (list.empty()) return std::string(suffix.substr(suffix.starts_with('.') ? 1 : 0));
    return fmt::format("{}[{}]{}", list, index, suffix);
  }
  [[nodiscard]] std::string subject() const { return list.empty() ? std::string{} : element_subject(kind, name, list, index); }
};

std::string range_text(const Range& r) { return fmt::format("[{}, {}]", r[0], r[1]); }

void check_range(Diagnostics& out, const char* field, const Range& r) {
  const auto at = [&] { return fmt::format("{} {}", field, range_text(r)); };
  if (r[0] > r[1]) out.add(field, "", "{}: lo is greater than hi", at());
  if (r[0] == 0) out.add(field, "", "{}: must not include 0 (root is never managed)", at());
  if (r[1] == UINT32_MAX) out.add(field, "", "{}: must not include 4294967295 ((uid_t)-1)", at());
  // A range over nobody/nogroup would make herd delete them as unknown.
  if (r[0] <= 65535 && r[1] >= 65534) {
    out.add(field, "", "{}: must not include 65534 or 65535 (nobody/nogroup and the 16-bit -1)", at());
  }
}

void check_id(Diagnostics& out, const Place& p, const char* id_field, uint32_t id, const char* range_field,
              const Range& r) {
  if (id == 0) {
    out.add(p.path(fmt::format(".{}", id_field)), p.subject(), "{} 0 is root's and cannot be managed", id_field);
  } else if (id < r[0] || id > r[1]) {
    out.add(p.path(fmt::format(".{}", id_field)), p.subject(), "{} {} outside {} {}", id_field, id, range_field,
            range_text(r));
  }
}

void check_text(Diagnostics& out, const Place& p, std::string_view field, std::string_view value, std::size_t max) {
  if (auto problem = etc_field_problem(value); !problem.empty()) {
    out.add(p.path(fmt::format(".{}", field)), p.subject(), "{} {}", field, problem);
  }
  if (value.size() > max) {
    out.add(p.path(fmt::format(".{}", field)), p.subject(), "{} is {} bytes long (at most {})", field, value.size(), max);
  }
}

// `field` is the name shown ("shell", "disk_quota[1].path"), also the path suffix.
void check_path(Diagnostics& out, const Place& p, std::string_view field, std::string_view value) {
  if (auto problem = absolute_path_problem(value); !problem.empty()) {
    out.add(p.path(fmt::format(".{}", field)), p.subject(), "{} {} {}", field, quote(value), problem);
  } else if (value.find(':') != std::string_view::npos) {
    out.add(p.path(fmt::format(".{}", field)), p.subject(), "{} {} contains ':' (the field separator of /etc files)",
            field, quote(value));
  }
}

template <typename T>
void check_count(Diagnostics& out, const Place& p, std::string_view field, const std::vector<T>& list, std::size_t max) {
  if (list.size() > max) {
    out.add(p.path(fmt::format(".{}", field)), p.subject(), "{} has {} entries (at most {})", field, list.size(), max);
  }
}

// Whether `name` appears in list[0..end): lists on one user are short.
bool listed_before(const std::vector<std::string>& list, std::size_t end, const std::string& name) {
  for (std::size_t i = 0; i < end; ++i) {
    if (list[i] == name) return true;
  }
  return false;
}

struct Context {
  const Directory& d;
  FirstIndex<std::string_view> group_names;  // name -> index of its first group
  FirstIndex<std::string_view> user_names;
  bool alone = false;  // one record on its own: every name it refers to is taken to exist

  [[nodiscard]] bool group_exists(std::string_view name) const { return alone || group_names.contains(name); }
  [[nodiscard]] bool user_exists(std::string_view name) const { return alone || user_names.contains(name); }
};

void check_quota(Diagnostics& out, const Place& p, const DirectoryUser& u) {
  for (std::size_t q = 0; q < u.disk_quota.size(); ++q) {
    const protocol::DiskQuota& dq = u.disk_quota[q];
    check_path(out, p, fmt::format("disk_quota[{}].path", q), dq.path);
    bool repeated = false;
    for (std::size_t e = 0; e < q; ++e) repeated = repeated || u.disk_quota[e].path == dq.path;
    if (repeated) out.add(p.path(fmt::format(".disk_quota[{}]", q)), p.subject(), "disk_quota lists {} twice", quote(dq.path));
    if (dq.bytes_hard != 0 && dq.bytes_soft > dq.bytes_hard) {
      out.add(p.path(fmt::format(".disk_quota[{}].bytes_soft", q)), p.subject(),
              "disk_quota[{}]: bytes_soft {} is greater than bytes_hard {}", q, dq.bytes_soft, dq.bytes_hard);
    }
    if (dq.inodes_hard != 0 && dq.inodes_soft > dq.inodes_hard) {
      out.add(p.path(fmt::format(".disk_quota[{}].inodes_soft", q)), p.subject(),
              "disk_quota[{}]: inodes_soft {} is greater than inodes_hard {}", q, dq.inodes_soft, dq.inodes_hard);
    }
  }
}

void check_keys(Diagnostics& out, const Place& p, const DirectoryUser& u) {
  check_count(out, p, "ssh_authorized_keys", u.ssh_authorized_keys, protocol::kMaxSshKeysPerUser);
  for (std::size_t k = 0; k < u.ssh_authorized_keys.size(); ++k) {
    const std::string& key = u.ssh_authorized_keys[k];
    std::string problem = control_problem(key);
    if (problem.empty() && key.size() > protocol::kMaxSshKeyLength) {
      problem = fmt::format("is {} bytes long (at most {})", key.size(), protocol::kMaxSshKeyLength);
    }
    if (problem.empty()) problem = ssh_key_problem(key);
    if (!problem.empty()) {
      out.add(p.path(fmt::format(".ssh_authorized_keys[{}]", k)), p.subject(), "ssh_authorized_keys[{}] {}", k, problem);
    }
  }
}

// `known`: the record passed its own checks before, under the same ranges
// (they depend on nothing else), so only the checks against other records run.
void check_user(Diagnostics& out, const Context& c, const Place& p, const DirectoryUser& u, bool known) {
  if (!known) {
    if (auto problem = name_problem(u.name); !problem.empty()) {
      out.add(p.path(".name"), p.subject(), "name {} {}", quote(u.name), problem);
    }
    check_id(out, p, "uid", u.uid, "managed_uid_range", c.d.managed_uid_range);
  }
  if (u.primary_group.empty()) {
    out.add(p.path(".primary_group"), p.subject(), "primary_group is missing");
  } else if (!c.group_exists(u.primary_group)) {
    out.add(p.path(".primary_group"), p.subject(), "primary_group {} is not a group of this directory",
            quote(u.primary_group));
  }
  if (!known) check_count(out, p, "groups", u.groups, protocol::kMaxGroupsPerUser);
  for (std::size_t g = 0; g < u.groups.size(); ++g) {
    if (!c.group_exists(u.groups[g])) {
      out.add(p.path(fmt::format(".groups[{}]", g)), p.subject(), "groups: {} is not a group of this directory",
              quote(u.groups[g]));
    } else if (!known && listed_before(u.groups, g, u.groups[g])) {
      out.add(p.path(fmt::format(".groups[{}]", g)), p.subject(), "groups lists {} twice", quote(u.groups[g]));
    }
  }
  if (known) return;
  // The password is never quoted back: it might be a plaintext one.
  if (auto problem = password_problem(u.password); !problem.empty()) {
    out.add(p.path(".password"), p.subject(), "password {}", problem);
  }
  check_path(out, p, "shell", u.shell);
  check_path(out, p, "home", u.home);
  check_text(out, p, "gecos", u.gecos, protocol::kMaxGecosLength);
  check_keys(out, p, u);
  check_count(out, p, "disk_quota", u.disk_quota, protocol::kMaxQuotasPerUser);
  check_quota(out, p, u);
}

void check_group(Diagnostics& out, const Context& c, const Place& p, const DirectoryGroup& g, bool known) {
  if (!known) {
    if (auto problem = name_problem(g.name); !problem.empty()) {
      out.add(p.path(".name"), p.subject(), "name {} {}", quote(g.name), problem);
    }
    check_id(out, p, "gid", g.gid, "managed_gid_range", c.d.managed_gid_range);
    check_count(out, p, "members", g.members, protocol::kMaxMembersPerGroup);
  }
  // A group may list many members: duplicates are found with a set (not
  // needed for a known record, which had none).
  std::unordered_set<std::string_view> listed;
  for (std::size_t m = 0; m < g.members.size(); ++m) {
    if (!c.user_exists(g.members[m])) {
      out.add(p.path(fmt::format(".members[{}]", m)), p.subject(), "members: {} is not a user of this directory",
              quote(g.members[m]));
    } else if (!known && !listed.insert(g.members[m]).second) {
      out.add(p.path(fmt::format(".members[{}]", m)), p.subject(), "members lists {} twice", quote(g.members[m]));
    }
  }
}

void check_templates(Diagnostics& out, const Directory& d) {
  if (auto p = template_problem(d.ssh_keys_dir); !p.empty()) {
    out.add("ssh_keys_dir", "", "ssh_keys_dir {} {}", quote(d.ssh_keys_dir), p);
  }
  check_count(out, Place{}, "managed_user_directories", d.managed_user_directories, protocol::kMaxManagedDirectories);
  for (std::size_t i = 0; i < d.managed_user_directories.size(); ++i) {
    const protocol::ManagedDirectory& m = d.managed_user_directories[i];
    const std::string at = fmt::format("managed_user_directories[{}]", i);
    if (auto p = template_problem(m.path); !p.empty()) out.add(at, "", "{} {} {}", at, quote(m.path), p);
    for (std::size_t e = 0; e < i; ++e) {
      if (d.managed_user_directories[e].path == m.path) out.add(at, "", "{} repeats {}", at, quote(m.path));
    }
    if (m.mode > 07777) out.add(at + ".mode", "", "{}: mode {:o} is not a permission mode (at most 7777)", at, m.mode);
  }
}

// Names and ids used twice, each reported where it is used again. `names`
// already maps each name to its first element.
template <typename Element, typename IdOf>
void check_unique(Diagnostics& out, const std::vector<Element>& list, const FirstIndex<std::string_view>& names,
                  std::string_view list_name, std::string_view kind, const char* id_field, IdOf id_of) {
  FirstIndex<uint32_t> ids(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto at = static_cast<uint32_t>(i);
    const Place p{list_name, i, kind, list[i].name};
    if (!p.name.empty()) {
      if (const uint32_t first = names.find(p.name); first != at) {
        out.add_related(p.path(".name"), p.subject(), "name is defined twice",
                        Place{list_name, first, kind, {}}.path(".name"));
      }
    }
    if (const uint32_t first = ids.add(id_of(list[i]), at); first != at) {
      out.add_related(p.path(fmt::format(".{}", id_field)), p.subject(),
                      fmt::format("{} {} is used twice", id_field, id_of(list[i])),
                      Place{list_name, first, kind, {}}.path(fmt::format(".{}", id_field)));
    }
  }
}

}  // namespace

std::vector<Diagnostic> validate_directory(const Directory& d, const KnownValid* known) {
  Diagnostics out;
  check_range(out, "managed_uid_range", d.managed_uid_range);
  check_range(out, "managed_gid_range", d.managed_gid_range);
  check_templates(out, d);
  check_count(out, Place{}, "users", d.users, protocol::kMaxUsers);
  check_count(out, Place{}, "groups", d.groups, protocol::kMaxGroups);

  Context c{d, FirstIndex<std::string_view>(d.groups.size()), FirstIndex<std::string_view>(d.users.size())};
  for (std::size_t i = 0; i < d.groups.size(); ++i) c.group_names.add(d.groups[i].name, static_cast<uint32_t>(i));
  for (std::size_t i = 0; i < d.users.size(); ++i) c.user_names.add(d.users[i].name, static_cast<uint32_t>(i));

  const auto is_known = [](const std::vector<bool>* mask, std::size_t i) {
    return mask != nullptr && i < mask->size() && (*mask)[i];
  };
  const std::vector<bool>* known_users = known != nullptr ? &known->users : nullptr;
  const std::vector<bool>* known_groups = known != nullptr ? &known->groups : nullptr;
  for (std::size_t i = 0; i < d.users.size(); ++i) {
    check_user(out, c, {"users", i, "user", d.users[i].name}, d.users[i], is_known(known_users, i));
  }
  for (std::size_t i = 0; i < d.groups.size(); ++i) {
    check_group(out, c, {"groups", i, "group", d.groups[i].name}, d.groups[i], is_known(known_groups, i));
  }
  check_unique(out, d.users, c.user_names, "users", "user", "uid", [](const DirectoryUser& u) { return u.uid; });
  check_unique(out, d.groups, c.group_names, "groups", "group", "gid", [](const DirectoryGroup& g) { return g.gid; });
  return std::move(out).items();
}

bool user_valid_alone(const DirectoryUser& user, const Range& uid_range) {
  Directory ranges;
  ranges.managed_uid_range = uid_range;
  Diagnostics out;
  check_user(out, Context{ranges, {}, {}, true}, {"users", 0, "user", user.name}, user, false);
  return out.empty();
}

bool group_valid_alone(const DirectoryGroup& group, const Range& gid_range) {
  Directory ranges;
  ranges.managed_gid_range = gid_range;
  Diagnostics out;
  check_group(out, Context{ranges, {}, {}, true}, {"groups", 0, "group", group.name}, group, false);
  return out.empty();
}

}  // namespace herd::directory
