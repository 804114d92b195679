#include "common/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace herd {
namespace {

std::string errno_text() { return std::strerror(errno); }

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("failed to write {}: {}", path, errno_text());
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Status write_file_atomic(const std::string& path, std::string_view content, FileOwnership owner) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return fail("failed to create a temporary file beside {}: {}", path, errno_text());
  auto abandon = [&](Error e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd, owner.mode) != 0) return abandon(fail("failed to set mode of {}: {}", tmp, errno_text()));
  if ((owner.uid != static_cast<uid_t>(-1) || owner.gid != static_cast<gid_t>(-1)) &&
      ::fchown(fd, owner.uid, owner.gid) != 0) {
    return abandon(fail("failed to set owner of {}: {}", tmp, errno_text()));
  }
  if (auto s = write_all(fd, content, tmp); !s) return abandon(std::move(s).error());
  if (::fsync(fd) != 0) return abandon(fail("failed to fsync {}: {}", tmp, errno_text()));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail("failed to close {}: {}", tmp, errno_text());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string cause = errno_text();
    ::unlink(tmp.c_str());
    return fail("failed to rename {} to {}: {}", tmp, path, cause);
  }
  const int dir = ::open(parent_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // best effort: the rename is already visible
    ::close(dir);
  }
  return {};
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("failed to open {}: {}", path, errno_text());
  std::string data;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string cause = errno_text();
      ::close(fd);
      return fail("failed to read {}: {}", path, cause);
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return fail("failed to read {}: larger than {} bytes", path, max_bytes);
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

}  // namespace herd
