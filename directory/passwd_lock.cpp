#include "directory/passwd_lock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include "directory/fs_ops.hpp"

namespace herd::directory {

Result<PasswdLock> PasswdLock::acquire(const std::string& etc_dir, std::chrono::milliseconds timeout) {
  const std::string path = etc_dir + "/.pwd.lock";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail("failed to open the lock file {}: {}", path, errno_text());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  for (;;) {
    if (::fcntl(fd, F_OFD_SETLK, &lock) == 0) return PasswdLock(fd);
    if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
      const std::string cause = errno_text();
      ::close(fd);
      return fail("failed to lock {}: {}", path, cause);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return fail("failed to lock {}: still held by another program (useradd, vipw, ...) after {} ms", path,
                  timeout.count());
    }
    // Polling rather than F_OFD_SETLKW: a blocking wait cannot time out
    // without a signal, and a signal handler is not this library's to own.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

PasswdLock::~PasswdLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases the lock
}

}  // namespace herd::directory
