#include "directory/validate.hpp"

#include <unordered_map>
#include <unordered_set>

#include "directory/credentials.hpp"
#include "directory/path_template.hpp"
#include "directory/text_rules.hpp"

namespace herd::directory {
namespace {

using protocol::Directory;
using protocol::DirectoryGroup;
using protocol::DirectoryUser;
using Range = std::array<uint32_t, 2>;

std::string range_text(const Range& r) { return fmt::format("[{}, {}]", r[0], r[1]); }

void check_range(Diagnostics& out, const char* field, const Range& r) {
  const std::string at = fmt::format("{} {}", field, range_text(r));
  if (r[0] > r[1]) out.add(field, "", "{}: lo is greater than hi", at);
  if (r[0] == 0) out.add(field, "", "{}: must not include 0 (root is never managed)", at);
  if (r[1] == UINT32_MAX) out.add(field, "", "{}: must not include 4294967295 ((uid_t)-1)", at);
  // A range over nobody/nogroup would make herd delete them as unknown.
  if (r[0] <= 65535 && r[1] >= 65534) {
    out.add(field, "", "{}: must not include 65534 or 65535 (nobody/nogroup and the 16-bit -1)", at);
  }
}

void check_id(Diagnostics& out, const std::string& path, const std::string& subject, const char* id_field,
              uint32_t id, const char* range_field, const Range& r) {
  if (id == 0) {
    out.add(path, subject, "{} 0 is root's and cannot be managed", id_field);
  } else if (id < r[0] || id > r[1]) {
    out.add(path, subject, "{} {} outside {} {}", id_field, id, range_field, range_text(r));
  }
}

void check_text(Diagnostics& out, const std::string& path, const std::string& subject, std::string_view field,
                std::string_view value, std::size_t max) {
  if (auto p = etc_field_problem(value); !p.empty()) out.add(path, subject, "{} {}", field, p);
  if (value.size() > max) out.add(path, subject, "{} is {} bytes long (at most {})", field, value.size(), max);
}

void check_path(Diagnostics& out, const std::string& path, const std::string& subject, std::string_view field,
                std::string_view value) {
  if (auto p = absolute_path_problem(value); !p.empty()) {
    out.add(path, subject, "{} {} {}", field, quote(value), p);
  } else if (value.find(':') != std::string_view::npos) {
    out.add(path, subject, "{} {} contains ':' (the field separator of /etc files)", field, quote(value));
  }
}

// Reports the second and later occurrences of each key, pointing at the first.
template <typename Key>
class DuplicateFinder {
 public:
  void check(Diagnostics& out, const Key& key, std::string path, std::string subject, std::string message) {
    auto [it, fresh] = first_.emplace(key, path);
    if (!fresh) out.add_related(std::move(path), std::move(subject), std::move(message), it->second);
  }

 private:
  std::unordered_map<Key, std::string> first_;
};

template <typename T>
void check_count(Diagnostics& out, const std::string& path, const std::string& subject, std::string_view field,
                 const std::vector<T>& list, std::size_t max) {
  if (list.size() > max) out.add(path, subject, "{} has {} entries (at most {})", field, list.size(), max);
}

struct Context {
  const Directory& d;
  std::unordered_set<std::string_view> group_names;
  std::unordered_set<std::string_view> user_names;
};

void check_quota(Diagnostics& out, const std::string& base, const std::string& subject, const DirectoryUser& u) {
  std::unordered_set<std::string_view> paths;
  for (std::size_t q = 0; q < u.disk_quota.size(); ++q) {
    const protocol::DiskQuota& dq = u.disk_quota[q];
    const std::string at = fmt::format("{}.disk_quota[{}]", base, q);
    check_path(out, at + ".path", subject, fmt::format("disk_quota[{}].path", q), dq.path);
    if (!paths.insert(dq.path).second) out.add(at, subject, "disk_quota lists {} twice", quote(dq.path));
    if (dq.bytes_hard != 0 && dq.bytes_soft > dq.bytes_hard) {
      out.add(at + ".bytes_soft", subject, "disk_quota[{}]: bytes_soft {} is greater than bytes_hard {}", q,
              dq.bytes_soft, dq.bytes_hard);
    }
    if (dq.inodes_hard != 0 && dq.inodes_soft > dq.inodes_hard) {
      out.add(at + ".inodes_soft", subject, "disk_quota[{}]: inodes_soft {} is greater than inodes_hard {}", q,
              dq.inodes_soft, dq.inodes_hard);
    }
  }
}

void check_user(Diagnostics& out, const Context& c, std::size_t i) {
  const DirectoryUser& u = c.d.users[i];
  const std::string base = fmt::format("users[{}]", i);
  const std::string subject = element_subject("user", u.name, "users", i);
  if (auto p = name_problem(u.name); !p.empty()) out.add(base + ".name", subject, "name {} {}", quote(u.name), p);
  check_id(out, base + ".uid", subject, "uid", u.uid, "managed_uid_range", c.d.managed_uid_range);

  if (u.primary_group.empty()) {
    out.add(base + ".primary_group", subject, "primary_group is missing");
  } else if (!c.group_names.contains(u.primary_group)) {
    out.add(base + ".primary_group", subject, "primary_group {} is not a group of this directory",
            quote(u.primary_group));
  }
  check_count(out, base + ".groups", subject, "groups", u.groups, protocol::kMaxGroupsPerUser);
  std::unordered_set<std::string_view> listed;
  for (std::size_t g = 0; g < u.groups.size(); ++g) {
    const std::string at = fmt::format("{}.groups[{}]", base, g);
    if (!c.group_names.contains(u.groups[g])) {
      out.add(at, subject, "groups: {} is not a group of this directory", quote(u.groups[g]));
    } else if (!listed.insert(u.groups[g]).second) {
      out.add(at, subject, "groups lists {} twice", quote(u.groups[g]));
    }
  }

  // The password is never quoted back: it might be a plaintext one.
  if (auto p = password_problem(u.password); !p.empty()) out.add(base + ".password", subject, "password {}", p);
  check_path(out, base + ".shell", subject, "shell", u.shell);
  check_path(out, base + ".home", subject, "home", u.home);
  check_text(out, base + ".gecos", subject, "gecos", u.gecos, protocol::kMaxGecosLength);

  check_count(out, base + ".ssh_authorized_keys", subject, "ssh_authorized_keys", u.ssh_authorized_keys,
              protocol::kMaxSshKeysPerUser);
  for (std::size_t k = 0; k < u.ssh_authorized_keys.size(); ++k) {
    const std::string& key = u.ssh_authorized_keys[k];
    const std::string at = fmt::format("{}.ssh_authorized_keys[{}]", base, k);
    if (auto p = control_problem(key); !p.empty()) {
      out.add(at, subject, "ssh_authorized_keys[{}] {}", k, p);
    } else if (key.size() > protocol::kMaxSshKeyLength) {
      out.add(at, subject, "ssh_authorized_keys[{}] is {} bytes long (at most {})", k, key.size(),
              protocol::kMaxSshKeyLength);
    } else if (auto q = ssh_key_problem(key); !q.empty()) {
      out.add(at, subject, "ssh_authorized_keys[{}] {}", k, q);
    }
  }
  check_count(out, base + ".disk_quota", subject, "disk_quota", u.disk_quota, protocol::kMaxQuotasPerUser);
  check_quota(out, base, subject, u);
}

void check_group(Diagnostics& out, const Context& c, std::size_t i) {
  const DirectoryGroup& g = c.d.groups[i];
  const std::string base = fmt::format("groups[{}]", i);
  const std::string subject = element_subject("group", g.name, "groups", i);
  if (auto p = name_problem(g.name); !p.empty()) out.add(base + ".name", subject, "name {} {}", quote(g.name), p);
  check_id(out, base + ".gid", subject, "gid", g.gid, "managed_gid_range", c.d.managed_gid_range);
  check_count(out, base + ".members", subject, "members", g.members, protocol::kMaxMembersPerGroup);
  std::unordered_set<std::string_view> listed;
  for (std::size_t m = 0; m < g.members.size(); ++m) {
    const std::string at = fmt::format("{}.members[{}]", base, m);
    if (!c.user_names.contains(g.members[m])) {
      out.add(at, subject, "members: {} is not a user of this directory", quote(g.members[m]));
    } else if (!listed.insert(g.members[m]).second) {
      out.add(at, subject, "members lists {} twice", quote(g.members[m]));
    }
  }
}

void check_templates(Diagnostics& out, const Directory& d) {
  if (auto p = template_problem(d.ssh_keys_dir); !p.empty()) {
    out.add("ssh_keys_dir", "", "ssh_keys_dir {} {}", quote(d.ssh_keys_dir), p);
  }
  check_count(out, "managed_user_directories", "", "managed_user_directories", d.managed_user_directories,
              protocol::kMaxManagedDirectories);
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < d.managed_user_directories.size(); ++i) {
    const protocol::ManagedDirectory& m = d.managed_user_directories[i];
    const std::string at = fmt::format("managed_user_directories[{}]", i);
    if (auto p = template_problem(m.path); !p.empty()) out.add(at, "", "{} {} {}", at, quote(m.path), p);
    if (!seen.insert(m.path).second) out.add(at, "", "{} repeats {}", at, quote(m.path));
    if (m.mode > 07777) out.add(at + ".mode", "", "{}: mode {:o} is not a permission mode (at most 7777)", at, m.mode);
  }
}

}  // namespace

std::vector<Diagnostic> validate_directory(const Directory& d) {
  Diagnostics out;
  check_range(out, "managed_uid_range", d.managed_uid_range);
  check_range(out, "managed_gid_range", d.managed_gid_range);
  check_templates(out, d);
  check_count(out, "users", "", "users", d.users, protocol::kMaxUsers);
  check_count(out, "groups", "", "groups", d.groups, protocol::kMaxGroups);

  Context c{d, {}, {}};
  c.group_names.reserve(d.groups.size());
  c.user_names.reserve(d.users.size());
  for (const DirectoryGroup& g : d.groups) c.group_names.insert(g.name);
  for (const DirectoryUser& u : d.users) c.user_names.insert(u.name);

  DuplicateFinder<std::string_view> user_names, group_names;
  DuplicateFinder<uint32_t> uids, gids;
  for (std::size_t i = 0; i < d.users.size(); ++i) {
    const DirectoryUser& u = d.users[i];
    const std::string base = fmt::format("users[{}]", i);
    const std::string subject = element_subject("user", u.name, "users", i);
    check_user(out, c, i);
    if (!u.name.empty()) user_names.check(out, u.name, base + ".name", subject, "name is defined twice");
    uids.check(out, u.uid, base + ".uid", subject, fmt::format("uid {} is used twice", u.uid));
  }
  for (std::size_t i = 0; i < d.groups.size(); ++i) {
    const DirectoryGroup& g = d.groups[i];
    const std::string base = fmt::format("groups[{}]", i);
    const std::string subject = element_subject("group", g.name, "groups", i);
    check_group(out, c, i);
    if (!g.name.empty()) group_names.check(out, g.name, base + ".name", subject, "name is defined twice");
    gids.check(out, g.gid, base + ".gid", subject, fmt::format("gid {} is used twice", g.gid));
  }
  return std::move(out).items();
}

}  // namespace herd::directory
