#include "directory/user_files.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "directory/diagnostics.hpp"
#include "directory/fs_ops.hpp"
#include "directory/path_template.hpp"
#include "directory/quota.hpp"

namespace herd::directory {
namespace {

constexpr std::size_t kMaxKeyFile = 64u << 20;

std::string linger_path(const std::string& root, std::string_view name) {
  return root + "/var/lib/systemd/linger/" + std::string(name);
}

std::string key_file_content(const protocol::DirectoryUser& u) {
  std::string out;
  for (const std::string& key : u.ssh_authorized_keys) {
    out += key;
    out += '\n';
  }
  return out;
}

// A directory owned by uid:gid with `mode`, created if missing. Existing
// ones are adjusted through a descriptor opened without following links, so
// a user cannot swap in a symlink between the check and the change.
Result<bool> ensure_owned_directory(const std::string& path, uint32_t uid, uint32_t gid, mode_t mode) {
  bool created = false;
  if (::mkdir(path.c_str(), 0700) == 0) {
    created = true;
  } else if (errno == ENOENT) {
    if (auto s = make_parents(path); !s) return std::move(s).error();
    if (::mkdir(path.c_str(), 0700) != 0) return fail("failed to create {}: {}", path, errno_text());
    created = true;
  } else if (errno != EEXIST) {
    return fail("failed to create {}: {}", path, errno_text());
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail("failed to open {} (a directory is expected): {}", path, errno_text());
  struct stat st {};
  Status s;
  if (::fstat(fd, &st) != 0) {
    s = fail("failed to stat {}: {}", path, errno_text());
  } else if (!created && st.st_uid != uid) {
    s = fail("{} exists and belongs to uid {}; not taking it over", path, st.st_uid);
  } else {
    if ((st.st_uid != uid || st.st_gid != gid) && ::fchown(fd, uid, gid) != 0) {
      s = fail("failed to set the owner of {}: {}", path, errno_text());
    } else if ((st.st_mode & 07777) != mode && ::fchmod(fd, mode) != 0) {
      s = fail("failed to set the mode of {}: {}", path, errno_text());
    }
  }
  ::close(fd);
  if (!s) return std::move(s).error();
  return created;
}

}  // namespace

// Above this many users the linger directory is listed once rather than
// probed per user.
constexpr std::size_t kListLingerFrom = 64;

UserFiles::UserFiles(std::string root, const protocol::Directory& directory, const Plan& plan)
    : root_(std::move(root)), d_(directory), plan_(plan), umask_(process_umask()),
      many_users_(plan.work.size() + plan.removed.size() >= kListLingerFrom) {}

UserFiles::~UserFiles() {
  for (const auto& [dir, fd] : directory_fds_) ::close(fd);
}

bool UserFiles::report(const std::string& user, Status s) {
  if (s) return true;
  errors_.push_back(fmt::format("user {}: {}", quote(user), s.error().message));
  return false;
}

// make_parents once per directory: 10,000 key files share one parent.
Status UserFiles::parents_of(const std::string& path) {
  const std::string dir = parent_directory(path);
  if (known_directories_.contains(dir)) return {};
  if (auto s = make_parents(path); !s) return s;
  known_directories_.insert(dir);
  return {};
}

Result<int> UserFiles::directory_fd(const std::string& dir) {
  if (auto it = directory_fds_.find(dir); it != directory_fds_.end()) return it->second;
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("failed to open {}: {}", dir, errno_text());
  directory_fds_.emplace(dir, fd);
  return fd;
}

// A key file that is not there yet, created in place; true when it was not
// there (false: the caller replaces what is).
Result<bool> UserFiles::create_key_file(const std::string& path, const std::string& content,
                                        const FileOwnership& owner) {
  const std::string dir = parent_directory(path);
  if (auto s = parents_of(path); !s) return std::move(s).error();
  auto fd = directory_fd(dir);
  if (!fd) return std::move(fd).error();
  return create_new_file_at(*fd, path.substr(dir.size() + 1), content, owner, umask_, path);
}

bool UserFiles::linger_exists(const std::string& name) {
  if (!many_users_) {
    struct stat st {};
    return ::lstat(linger_path(root_, name).c_str(), &st) == 0;
  }
  if (!linger_names_) {
    linger_names_.emplace();
    auto listed = list_directory(root_ + "/var/lib/systemd/linger");
    if (!listed || !*listed) return !listed;  // unreadable: assume there, so it is probed
    linger_names_->insert((*listed)->begin(), (*listed)->end());
  }
  return linger_names_->contains(name);
}

bool UserFiles::unlink_file(const std::string& user, const std::string& path) {
  auto removed = remove_file(path);
  if (!removed) return report(user, std::move(removed).error());
  if (*removed) ++files_written_;
  return true;
}

bool UserFiles::ssh_keys(const UserWork& w) {
  const protocol::DirectoryUser& u = *w.user;
  const std::string path = root_ + expand_template(d_.ssh_keys_dir, u.name, u.uid);
  if (plan_.old_ssh_keys_dir) {
    const std::string old = root_ + expand_template(*plan_.old_ssh_keys_dir, u.name, u.uid);
    if (old != path && !unlink_file(u.name, old)) return false;
  }
  if (u.ssh_authorized_keys.empty()) return unlink_file(u.name, path);
  const std::string content = key_file_content(u);
  // Owned by root, readable by the user's group: sshd reads it as the user,
  // and the user cannot edit keys the directory decides.
  const FileOwnership owner{.mode = 0640, .uid = 0, .gid = w.gid};
  if (w.created) {
    // Most often there is nothing there: create it without reading first.
    auto created = create_key_file(path, content, owner);
    if (!created) return report(u.name, std::move(created).error());
    if (*created) {
      ++files_written_;
      return true;
    }
  }
  auto existing = read_if_exists(path, kMaxKeyFile);
  if (!existing) return report(u.name, std::move(existing).error());
  if (*existing == content) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && st.st_uid == 0 && st.st_gid == w.gid && (st.st_mode & 07777) == 0640) {
      return true;
    }
  } else if (!*existing) {
    if (auto s = parents_of(path); !s) return report(u.name, std::move(s));
  }
  ++files_written_;
  return report(u.name, replace_file(path, content, owner));
}

bool UserFiles::linger(const protocol::DirectoryUser& u) {
  if (!u.linger) return !linger_exists(u.name) || unlink_file(u.name, linger_path(root_, u.name));
  if (linger_exists(u.name)) return true;
  const std::string path = linger_path(root_, u.name);
  if (auto s = parents_of(path); !s) return report(u.name, std::move(s));
  ++files_written_;
  return report(u.name, write_new_file(path, "", {.mode = 0644, .uid = 0, .gid = 0}, false));
}

bool UserFiles::managed_directory(const protocol::DirectoryUser& u, uint32_t gid, const protocol::ManagedDirectory& m) {
  const std::string path = root_ + expand_template(m.path, u.name, u.uid);
  auto created = ensure_owned_directory(path, u.uid, gid, static_cast<mode_t>(m.mode));
  if (!created) return report(u.name, std::move(created).error());
  if (*created) ++files_written_;
  return true;
}

bool UserFiles::home(const protocol::DirectoryUser& u, uint32_t gid) {
  const std::string path = root_ + u.home;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return true;  // an existing home is the user's business
  auto created = ensure_owned_directory(path, u.uid, gid, 0700);
  if (!created) return report(u.name, std::move(created).error());
  ++files_written_;
  return report(u.name, copy_tree_owned(root_ + "/etc/skel", path, u.uid, gid));
}

Progress UserFiles::quotas(const protocol::DirectoryUser& u) {
  Progress progress = Progress::complete;
  for (const protocol::DiskQuota& q : u.disk_quota) {
    const std::string path = root_ + q.path;
    if (quota_unavailable_.contains(path)) {
      progress = Progress::quota_pending;
      continue;
    }
    auto outcome = set_user_quota(path, u.uid, {q.bytes_soft, q.bytes_hard, q.inodes_soft, q.inodes_hard});
    if (!outcome) {
      report(u.name, std::move(outcome).error());
      return Progress::pending;
    }
    if (outcome->state == QuotaOutcome::unavailable) {
      warnings_.push_back(fmt::format("quota skipped on {}: {}", q.path, outcome->reason));
      quota_unavailable_.emplace(path, outcome->reason);
      progress = Progress::quota_pending;
    }
  }
  return progress;
}

Progress UserFiles::ensure(const UserWork& w) {
  const protocol::DirectoryUser& u = *w.user;
  if (!w.quota_only) {
    bool ok = ssh_keys(w);
    ok = linger(u) && ok;
    for (const protocol::ManagedDirectory& m : d_.managed_user_directories) ok = managed_directory(u, w.gid, m) && ok;
    if (d_.create_home) ok = home(u, w.gid) && ok;
    if (!ok) return Progress::pending;
  }
  return quotas(u);
}

void UserFiles::remove_managed_directory(const RemovedUser& r, const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) report(r.name, fail("failed to open {}: {}", path, errno_text()));
    return;
  }
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  ::close(fd);
  if (!stat_ok) {
    report(r.name, fail("failed to stat {}: {}", path, errno_text()));
  } else if (st.st_uid != r.uid) {
    warnings_.push_back(fmt::format("kept {} of removed user {}: it belongs to uid {}, not {}", path, quote(r.name),
                                    st.st_uid, r.uid));
  } else if (report(r.name, remove_tree(path))) {
    ++files_written_;
  }
}

void UserFiles::remove(const RemovedUser& r) {
  const AppliedState& old = plan_.cleanup;
  if (!old.ssh_keys_dir.empty()) (void)unlink_file(r.name, root_ + expand_template(old.ssh_keys_dir, r.name, r.uid));
  (void)unlink_file(r.name, linger_path(root_, r.name));
  for (const protocol::ManagedDirectory& m : old.managed_user_directories) {
    remove_managed_directory(r, root_ + expand_template(m.path, r.name, r.uid));
  }
  struct stat st {};
  if (!r.home.empty() && ::lstat((root_ + r.home).c_str(), &st) == 0) {
    warnings_.push_back(fmt::format("kept home {} of removed user {} (homes are never deleted)", r.home, quote(r.name)));
  }
}

}  // namespace herd::directory
