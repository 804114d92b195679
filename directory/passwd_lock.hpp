#pragma once
// The lock shadow-utils takes before it edits /etc/passwd and friends
// (lckpwdf(3)), taken on ROOT/etc/.pwd.lock so that useradd --root ROOT,
// vipw in a chroot and herd never interleave their edits of one root. The
// machine's own /etc is locked only when ROOT is "/".
//
// lckpwdf uses a process-associated fcntl lock; herd takes an open file
// description lock on the same file, which conflicts with it, and, unlike a
// process lock, is not dropped when some other thread closes the file.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace herd::directory {

class PasswdLock {
 public:
  // Waits up to `timeout` (lckpwdf waits 15 s) for the lock on `etc_dir`/.pwd.lock.
  [[nodiscard]] static Result<PasswdLock> acquire(const std::string& etc_dir, std::chrono::milliseconds timeout);

  PasswdLock(PasswdLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  PasswdLock& operator=(PasswdLock&&) = delete;
  PasswdLock(const PasswdLock&) = delete;
  ~PasswdLock();

 private:
  explicit PasswdLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace herd::directory
