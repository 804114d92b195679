#pragma once
// User disk quota limits through quotactl(2), on ext4 (quota feature or
// usrquota) and XFS (uquota) alike. A filesystem without quotas turned on is
// not an error: the outcome says why the limit was skipped, and the apply
// reports "quota skipped on PATH: REASON".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace herd::directory {

struct QuotaLimits {
  uint64_t bytes_soft = 0, bytes_hard = 0;  // applied in whole KiB (quota blocks), rounded up
  uint64_t inodes_soft = 0, inodes_hard = 0;
  bool operator==(const QuotaLimits&) const = default;
};

struct QuotaOutcome {
  enum State { set, unchanged, unavailable } state = unchanged;
  std::string reason;  // for `unavailable`: "quotas off", "no quota support in this kernel", ...
};

// Sets `uid`'s limits on the filesystem holding `path`, unless they are
// already those.
[[nodiscard]] Result<QuotaOutcome> set_user_quota(const std::string& path, uint32_t uid, const QuotaLimits& limits);

// The limits in force (bytes in multiples of 1 KiB); nullopt with the
// reason in `why_not` when quotas are unavailable there.
[[nodiscard]] Result<std::optional<QuotaLimits>> get_user_quota(const std::string& path, uint32_t uid,
                                                                std::string* why_not = nullptr);

// The block device mounted at the deepest mount point containing `path`,
// from the text of /proc/self/mountinfo (for kernels before quotactl_fd, 5.14).
[[nodiscard]] std::optional<std::string> mount_source_of(std::string_view mountinfo, std::string_view path);

}  // namespace herd::directory
