#include "directory/fs_ops.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace herd::directory {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool wants_owner(const FileOwnership& o) {
  return o.uid != static_cast<uid_t>(-1) || o.gid != static_cast<gid_t>(-1);
}

// Removes everything inside the directory open as `dir`, depth first.
// Calls `visit` with the name of each entry of the open directory `d` but
// "." and "..", until one fails; closes `d`.
template <typename Visit>
Status each_entry(DIR* d, Visit visit) {
  Status status;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (status = visit(e->d_name); !status) break;
  }
  ::closedir(d);
  return status;
}

Status remove_contents(int dir, const std::string& shown) {
  const int walk = ::dup(dir);
  DIR* d = walk < 0 ? nullptr : ::fdopendir(walk);
  if (d == nullptr) {
    if (walk >= 0) ::close(walk);
    return fail("failed to read {}: {}", shown, errno_text());
  }
  return each_entry(d, [&](const char* name) -> Status {
    const std::string child = shown + "/" + name;
    struct stat st {};
    if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return fail("failed to stat {}: {}", child, errno_text());
    if (S_ISDIR(st.st_mode)) {
      Fd sub(::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub.get() < 0) return fail("failed to open {}: {}", child, errno_text());
      if (auto s = remove_contents(sub.get(), child); !s) return s;
      if (::unlinkat(dir, name, AT_REMOVEDIR) != 0) return fail("failed to remove {}: {}", child, errno_text());
    } else if (::unlinkat(dir, name, 0) != 0) {
      return fail("failed to remove {}: {}", child, errno_text());
    }
    return {};
  });
}

}  // namespace

std::string errno_text() { return std::strerror(errno); }

std::string parent_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status write_new_file(const std::string& path, std::string_view content, const FileOwnership& owner, bool sync) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return fail("failed to create {}: {}", path, errno_text());
  if (wants_owner(owner) && ::fchown(fd.get(), owner.uid, owner.gid) != 0) {
    return fail("failed to set the owner of {}: {}", path, errno_text());
  }
  if (::fchmod(fd.get(), owner.mode) != 0) return fail("failed to set the mode of {}: {}", path, errno_text());
  if (auto s = write_all(fd.get(), content, path); !s) return s;
  if (sync && ::fsync(fd.get()) != 0) return fail("failed to fsync {}: {}", path, errno_text());
  if (::close(fd.release()) != 0) return fail("failed to close {}: {}", path, errno_text());
  return {};
}

Status replace_file(const std::string& path, std::string_view content, const FileOwnership& owner, bool sync) {
  const std::string tmp = path + ".herd-tmp";
  if (auto s = write_new_file(tmp, content, owner, sync); !s) {
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string cause = errno_text();
    ::unlink(tmp.c_str());
    return fail("failed to rename {} to {}: {}", tmp, path, cause);
  }
  return {};
}

Result<bool> create_new_file_at(int dir, const std::string& name, std::string_view content, const FileOwnership& owner,
                                std::optional<mode_t> umask, const std::string& shown) {
  Fd fd(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, owner.mode & 0777));
  if (fd.get() < 0) {
    if (errno == EEXIST) return false;
    return fail("failed to create {}: {}", shown, errno_text());
  }
  Status s;
  if (wants_owner(owner) && ::fchown(fd.get(), owner.uid, owner.gid) != 0) {
    s = fail("failed to set the owner of {}: {}", shown, errno_text());
  } else if ((!umask || (owner.mode & *umask) != 0 || (owner.mode & ~0777u) != 0) && ::fchmod(fd.get(), owner.mode) != 0) {
    s = fail("failed to set the mode of {}: {}", shown, errno_text());
  } else {
    s = write_all(fd.get(), content, shown);
  }
  if (s && ::close(fd.release()) != 0) s = fail("failed to close {}: {}", shown, errno_text());
  if (!s) {
    ::unlinkat(dir, name.c_str(), 0);  // half made: not left for the next apply to trust
    return std::move(s).error();
  }
  return true;
}

std::optional<mode_t> process_umask() {
  auto status = read_file("/proc/self/status", 1u << 20);
  if (!status) return std::nullopt;
  const auto at = status->find("\nUmask:");
  if (at == std::string::npos) return std::nullopt;
  const char* p = status->c_str() + at + 7;
  while (*p == ' ' || *p == '\t') ++p;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(p, status->c_str() + status->size(), value, 8);
  if (ec != std::errc{} || end == p || value > 0777) return std::nullopt;
  return static_cast<mode_t>(value);
}

Result<std::optional<std::vector<std::string>>> list_directory(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return std::optional<std::vector<std::string>>{};
    return fail("failed to read {}: {}", path, errno_text());
  }
  std::vector<std::string> names;
  auto s = each_entry(d, [&](const char* name) -> Status {
    names.emplace_back(name);
    return {};
  });
  if (!s) return std::move(s).error();
  return std::optional<std::vector<std::string>>(std::move(names));
}

Result<std::optional<std::string>> read_if_exists(const std::string& path, std::size_t max_bytes) {
  // One open decides: a missing file costs a single system call.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return fail("failed to open {}: {}", path, errno_text());
  }
  std::string data;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("failed to read {}: {}", path, errno_text());
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) return fail("failed to read {}: larger than {} bytes", path, max_bytes);
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return std::optional<std::string>(std::move(data));
}

Status make_parents(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0755) == 0) {
      if (::chown(dir.c_str(), 0, 0) != 0 && errno != EPERM) return fail("failed to chown {}: {}", dir, errno_text());
      continue;
    }
    if (errno != EEXIST) return fail("failed to create directory {}: {}", dir, errno_text());
  }
  return {};
}

Result<bool> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return fail("failed to remove {}: {}", path, errno_text());
}

Status remove_tree(const std::string& path) {
  Fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (dir.get() < 0) {
    if (errno == ENOENT) return {};
    return fail("failed to open {}: {}", path, errno_text());
  }
  if (auto s = remove_contents(dir.get(), path); !s) return s;
  if (::rmdir(path.c_str()) != 0) return fail("failed to remove {}: {}", path, errno_text());
  return {};
}

Status fsync_directory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return fail("failed to open {}: {}", dir, errno_text());
  if (::fsync(fd.get()) != 0) return fail("failed to fsync {}: {}", dir, errno_text());
  return {};
}

Status sync_filesystem(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail("failed to open {}: {}", path, errno_text());
  if (::syncfs(fd.get()) != 0) return fail("failed to sync the file system of {}: {}", path, errno_text());
  return {};
}

}  // namespace herd::directory

namespace herd::directory {

Status copy_tree_owned(const std::string& from, const std::string& to, uid_t uid, gid_t gid) {
  DIR* d = ::opendir(from.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return {};
    return fail("failed to read {}: {}", from, errno_text());
  }
  return each_entry(d, [&](const char* name) -> Status {
    const std::string src = from + "/" + name;
    const std::string dst = to + "/" + name;
    struct stat st {};
    if (::lstat(src.c_str(), &st) != 0) return fail("failed to stat {}: {}", src, errno_text());
    const mode_t mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      if (::mkdir(dst.c_str(), 0700) != 0 || ::lchown(dst.c_str(), uid, gid) != 0 || ::chmod(dst.c_str(), mode) != 0) {
        return fail("failed to create {}: {}", dst, errno_text());
      }
      return copy_tree_owned(src, dst, uid, gid);
    }
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      const ssize_t n = ::readlink(src.c_str(), target, sizeof target - 1);
      if (n < 0 || ::symlink(std::string(target, static_cast<std::size_t>(n)).c_str(), dst.c_str()) != 0 ||
          ::lchown(dst.c_str(), uid, gid) != 0) {
        return fail("failed to copy the link {}: {}", src, errno_text());
      }
      return {};
    }
    if (!S_ISREG(st.st_mode)) return {};  // devices, sockets: not for a home
    auto content = read_file(src);
    if (!content) return std::move(content).error();
    return write_new_file(dst, *content, {.mode = mode, .uid = uid, .gid = gid}, false);
  });
}

}  // namespace herd::directory
