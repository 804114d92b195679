#include "directory/quota.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/quota.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "directory/fs_ops.hpp"

namespace herd::directory {
namespace {

constexpr uint64_t kQuotaBlock = 1024;  // QIF_DQBLKSIZE: the unit of dqb_b*limit

// Errors that mean "no quotas here" rather than "something broke".
std::optional<std::string> unavailable_reason(int err) {
  switch (err) {
    case ESRCH: return "quotas off";
    case ENOSYS: return "no quota support in this kernel";
    case ENOTBLK:
    case ENODEV:
    case ENOTTY:
    case EINVAL:
    case EOPNOTSUPP: return "no quota support on this file system";
    case ENOENT: return "no such file or directory";
    default: return std::nullopt;
  }
}

std::string unescape_mountinfo(std::string_view s) {
  // Mount points escape space, tab, newline and backslash as \ooo.
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool contains_path(std::string_view mount_point, std::string_view path) {
  if (mount_point == "/") return true;
  return path.starts_with(mount_point) && (path.size() == mount_point.size() || path[mount_point.size()] == '/');
}

// Runs one quotactl command for `uid` on the file system of `path`.
int run_quotactl(const std::string& path, int cmd, uint32_t uid, dqblk* block) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const long rc = ::syscall(SYS_quotactl_fd, fd, QCMD(cmd, USRQUOTA), uid, block);
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  if (err != ENOSYS) return err;
  // A kernel before 5.14: quotactl on the block device.
  auto mountinfo = read_file("/proc/self/mountinfo");
  char resolved[PATH_MAX];
  if (!mountinfo || ::realpath(path.c_str(), resolved) == nullptr) return ENOENT;
  const auto device = mount_source_of(*mountinfo, resolved);
  if (!device) return ENODEV;
  return ::quotactl(QCMD(cmd, USRQUOTA), device->c_str(), static_cast<int>(uid), reinterpret_cast<char*>(block)) == 0
             ? 0
             : errno;
}

uint64_t to_blocks(uint64_t bytes) { return bytes / kQuotaBlock + (bytes % kQuotaBlock != 0 ? 1 : 0); }

}  // namespace

std::optional<std::string> mount_source_of(std::string_view mountinfo, std::string_view path) {
  std::optional<std::string> best;
  std::size_t best_length = 0;
  while (!mountinfo.empty()) {
    const auto nl = mountinfo.find('\n');
    std::string_view line = mountinfo.substr(0, nl);
    mountinfo.remove_prefix(nl == std::string_view::npos ? mountinfo.size() : nl + 1);
    // id parent major:minor root MOUNT_POINT options... - fstype SOURCE super_options
    std::string_view fields[5];
    std::size_t n = 0;
    std::string_view rest = line;
    while (n < 5 && !rest.empty()) {
      const auto sp = rest.find(' ');
      fields[n++] = rest.substr(0, sp);
      rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
    }
    const auto dash = line.find(" - ");
    if (n < 5 || dash == std::string_view::npos) continue;
    std::string_view after = line.substr(dash + 3);
    after.remove_prefix(std::min(after.size(), after.find(' ') + 1));  // fstype
    const std::string_view source = after.substr(0, after.find(' '));
    const std::string mount_point = unescape_mountinfo(fields[4]);
    // Later lines win at equal length: they are mounted on top.
    if (contains_path(mount_point, path) && mount_point.size() >= best_length) {
      best_length = mount_point.size();
      best = unescape_mountinfo(source);
    }
  }
  return best;
}

Result<std::optional<QuotaLimits>> get_user_quota(const std::string& path, uint32_t uid, std::string* why_not) {
  dqblk block{};
  const int err = run_quotactl(path, Q_GETQUOTA, uid, &block);
  if (err != 0) {
    if (auto reason = unavailable_reason(err)) {
      if (why_not != nullptr) *why_not = *reason;
      return std::optional<QuotaLimits>{};
    }
    return fail("failed to read the quota of uid {} on {}: {}", uid, path, std::strerror(err));
  }
  return std::optional<QuotaLimits>(QuotaLimits{block.dqb_bsoftlimit * kQuotaBlock, block.dqb_bhardlimit * kQuotaBlock,
                                                block.dqb_isoftlimit, block.dqb_ihardlimit});
}

Result<QuotaOutcome> set_user_quota(const std::string& path, uint32_t uid, const QuotaLimits& limits) {
  std::string why_not;
  auto current = get_user_quota(path, uid, &why_not);
  if (!current) return std::move(current).error();
  if (!*current) return QuotaOutcome{QuotaOutcome::unavailable, why_not};
  const QuotaLimits wanted{to_blocks(limits.bytes_soft) * kQuotaBlock, to_blocks(limits.bytes_hard) * kQuotaBlock,
                           limits.inodes_soft, limits.inodes_hard};
  if (**current == wanted) return QuotaOutcome{QuotaOutcome::unchanged, {}};
  dqblk block{};
  block.dqb_bsoftlimit = to_blocks(limits.bytes_soft);
  block.dqb_bhardlimit = to_blocks(limits.bytes_hard);
  block.dqb_isoftlimit = limits.inodes_soft;
  block.dqb_ihardlimit = limits.inodes_hard;
  block.dqb_valid = QIF_LIMITS;
  if (const int err = run_quotactl(path, Q_SETQUOTA, uid, &block); err != 0) {
    if (auto reason = unavailable_reason(err)) return QuotaOutcome{QuotaOutcome::unavailable, *reason};
    return fail("failed to set the quota of uid {} on {}: {}", uid, path, std::strerror(err));
  }
  return QuotaOutcome{QuotaOutcome::set, {}};
}

}  // namespace herd::directory
