#pragma once
// What the last apply did for each user, kept in ROOT/var/lib/herd/
// directory.state. Per-user files (ssh keys, linger, managed directories,
// homes, quotas) are not in /etc, so this is how an apply knows which users
// changed without opening 10,000 files: a digest of each user's record.
//
// The state is a cache. Losing it (a diskless node reboots) only means every
// user's files are checked once more; a state that cannot be parsed is
// treated as lost.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/directory_model.hpp"

namespace herd::directory {

// How far a user's per-user work got; anything short of `complete` is
// retried by the next apply.
enum class Progress : uint8_t {
  pending,        // not done, or a step failed
  quota_pending,  // done except quota limits (quotas were off): only those are retried
  complete,
};

struct AppliedUser {
  std::string name;
  uint32_t uid = 0;
  uint64_t digest = 0;
  Progress progress = Progress::pending;

  bool operator==(const AppliedUser&) const = default;
};

// Identity of an /etc file as last written: any edit changes one of these.
struct FileStamp {
  uint64_t size = 0, mtime_ns = 0, inode = 0;
  bool operator==(const FileStamp&) const = default;
};

struct AppliedState {
  // The fast path of an unchanged apply: the same directory (by digest) onto
  // /etc files nobody touched since (by stamp) needs no work at all.
  uint64_t directory_digest = 0;
  std::array<FileStamp, 4> etc_stamps{};  // passwd, shadow, group, gshadow

  std::string ssh_keys_dir;
  std::vector<protocol::ManagedDirectory> managed_user_directories;
  std::vector<AppliedUser> users;

  bool operator==(const AppliedState&) const = default;
};

[[nodiscard]] std::string format_state(const AppliedState& state);
[[nodiscard]] std::optional<AppliedState> parse_state(std::string_view text);

// Digest of everything that decides a user's per-user files: the record
// without its password fields (those live in /etc/shadow), its primary gid
// and the directory-wide settings (templates, create_home); `work` and
// `settings` come from hash_records (record_hash.hpp).
[[nodiscard]] uint64_t user_digest(uint64_t work, uint32_t gid, uint64_t settings);

}  // namespace herd::directory
