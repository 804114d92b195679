#pragma once
// Helpers for tests that need root or a kernel feature: each says why it
// cannot run, so the test skips with that reason printed.

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

namespace herd::collectors::test {

// Why root-only tests cannot run here, or nullopt when they can.
inline std::optional<std::string> missing_root() {
  if (::geteuid() != 0) return "needs root (CI runs as root)";
  return std::nullopt;
}

// Moves this process into a mount namespace of its own whose mounts do not
// propagate back, so test mounts are invisible to the rest of the machine and
// vanish with the process. Must be called before the test starts threads.
inline std::optional<std::string> private_mount_namespace() {
  if (auto why = missing_root()) return why;
  if (::unshare(CLONE_NEWNS) != 0) return std::string("unshare(CLONE_NEWNS) failed: ") + std::strerror(errno);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return std::string("making / private failed: ") + std::strerror(errno);
  }
  return std::nullopt;
}

}  // namespace herd::collectors::test
