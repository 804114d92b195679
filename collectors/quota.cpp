#include "collectors/quota.hpp"

#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "collectors/mountinfo.hpp"

namespace herd::collectors {
namespace {

// linux/quota.h's values; glibc's <sys/quota.h> (which we need for quotactl) lacks them.
constexpr int kGetNextQuota = 0x800009;
constexpr uint32_t kBlockLimits = 1, kSpace = 2, kInodeLimits = 4, kInodes = 8, kBlockGrace = 16, kInodeGrace = 32;
constexpr std::size_t kMaxRecords = 10'000'000;  // ids walked per filesystem before we call it hostile

// struct if_nextdqblk of linux/quota.h: if_dqblk followed by the id.
struct NextDqblk {
  uint64_t dqb_bhardlimit, dqb_bsoftlimit, dqb_curspace, dqb_ihardlimit, dqb_isoftlimit, dqb_curinodes, dqb_btime,
      dqb_itime;
  uint32_t dqb_valid, dqb_id;
};

class SystemQuotaKernel final : public QuotaKernel {
 public:
  int get_next(const std::string& device, uint32_t id, QuotaRecord& out) override {
    NextDqblk next{};
    if (::quotactl(QCMD(kGetNextQuota, USRQUOTA), device.c_str(), static_cast<int>(id),
                   reinterpret_cast<caddr_t>(&next)) != 0) {
      return errno;
    }
    out = QuotaRecord{next.dqb_id,        next.dqb_valid,      next.dqb_bhardlimit, next.dqb_bsoftlimit,
                      next.dqb_curspace,  next.dqb_ihardlimit, next.dqb_isoftlimit, next.dqb_curinodes,
                      next.dqb_btime,     next.dqb_itime};
    return 0;
  }
  int get(const std::string& device, uint32_t id, QuotaRecord& out) override {
    dqblk q{};
    if (::quotactl(QCMD(Q_GETQUOTA, USRQUOTA), device.c_str(), static_cast<int>(id), reinterpret_cast<caddr_t>(&q)) !=
        0) {
      return errno;
    }
    out = QuotaRecord{id,           q.dqb_valid,      q.dqb_bhardlimit, q.dqb_bsoftlimit, q.dqb_curspace,
                      q.dqb_ihardlimit, q.dqb_isoftlimit, q.dqb_curinodes, q.dqb_btime,  q.dqb_itime};
    return 0;
  }
};

std::optional<uint64_t> limit(uint64_t value) { return value == 0 ? std::nullopt : std::optional<uint64_t>(value); }

std::optional<int64_t> grace(uint64_t seconds) {
  if (seconds == 0 || seconds > static_cast<uint64_t>(INT64_MAX / 1000)) return std::nullopt;
  return static_cast<int64_t>(seconds) * 1000;
}

// quotactl wants the block device; mountinfo's source may be "/dev/root" or similar.
Result<std::string> block_device(const MountEntry& mount) {
  struct stat st {};
  const dev_t wanted = makedev(mount.major, mount.minor);
  if (::stat(mount.source.c_str(), &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == wanted) return mount.source;
  const std::string by_number = fmt::format("/dev/block/{}:{}", mount.major, mount.minor);
  if (::stat(by_number.c_str(), &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == wanted) return by_number;
  return fail("no block device {}:{} (source {})", mount.major, mount.minor, mount.source);
}

}  // namespace

std::unique_ptr<QuotaKernel> system_quota_kernel() { return std::make_unique<SystemQuotaKernel>(); }

Result<protocol::UserQuota> to_user_quota(const QuotaRecord& record, const std::string& filesystem) {
  if ((record.valid & kSpace) == 0) return fail("uid {}: the kernel gave no space usage", record.id);
  protocol::UserQuota row;
  row.filesystem = filesystem;
  row.uid = record.id;
  row.bytes_used = record.space_bytes;
  if ((record.valid & kBlockLimits) != 0) {
    constexpr uint64_t kMaxBlocks = UINT64_MAX >> 10;
    if (record.block_hard > kMaxBlocks || record.block_soft > kMaxBlocks) {
      return fail("uid {}: block limits overflow 64-bit bytes", record.id);
    }
    row.bytes_hard = limit(record.block_hard << 10);
    row.bytes_soft = limit(record.block_soft << 10);
  }
  if ((record.valid & kInodes) != 0) row.inodes_used = record.inodes;
  if ((record.valid & kInodeLimits) != 0) {
    row.inodes_hard = limit(record.inode_hard);
    row.inodes_soft = limit(record.inode_soft);
  }
  if ((record.valid & kBlockGrace) != 0) row.bytes_grace_until_ms = grace(record.block_grace);
  if ((record.valid & kInodeGrace) != 0) row.inodes_grace_until_ms = grace(record.inode_grace);
  return row;
}

Result<std::vector<protocol::UserQuota>> walk_quotas(QuotaKernel& kernel, const std::string& device,
                                                    const std::string& filesystem, UidRange range,
                                                    const UserSource& users, WalkCompleteness completeness) {
  std::vector<protocol::UserQuota> rows;
  std::set<uint32_t> seen;
  auto keep = [&](const QuotaRecord& record) -> Status {
    if (!range.contains(record.id) || !seen.insert(record.id).second) return {};
    auto row = to_user_quota(record, filesystem);
    if (!row) return std::move(row).error();
    rows.push_back(std::move(*row));
    return {};
  };

  bool walked = false;  // Q_GETNEXTQUOTA went through to the end of the range
  uint32_t id = range.first;
  for (std::size_t calls = 0; !walked; ++calls) {
    if (calls >= kMaxRecords) return fail("more than {} quota records; stopped", kMaxRecords);
    QuotaRecord record;
    const int rc = kernel.get_next(device, id, record);
    if (rc == ENOENT) {  // past the last id
      walked = true;
      break;
    }
    if (rc == EINVAL || rc == ENOSYS) break;  // no Q_GETNEXTQUOTA on this kernel: ask user by user
    if (rc == ESRCH) return fail("user quotas are not enabled");
    if (rc != 0) return fail("quotactl Q_GETNEXTQUOTA from uid {}: {}", id, std::strerror(rc));
    if (record.id < id) return fail("quotactl Q_GETNEXTQUOTA went backwards (asked {}, got {})", id, record.id);
    if (record.id > range.last) {
      walked = true;
      break;
    }
    if (auto kept = keep(record); !kept) return std::move(kept).error();
    if (record.id == UINT32_MAX) walked = true;
    id = record.id + 1;
  }
  if (walked && completeness == WalkCompleteness::complete) return rows;

  auto list = users();
  if (!list) return context(std::move(list).error(), "listing users for Q_GETQUOTA");
  for (const UserRef& user : *list) {
    if (!range.contains(user.uid) || seen.contains(user.uid)) continue;
    QuotaRecord record;
    const int rc = kernel.get(device, user.uid, record);
    if (rc == ESRCH) return fail("user quotas are not enabled");
    if (rc != 0) return fail("quotactl Q_GETQUOTA for uid {}: {}", user.uid, std::strerror(rc));
    record.id = user.uid;
    // Users without usage or limits have no record; Q_GETQUOTA gives them zeros.
    if (record.space_bytes == 0 && record.inodes == 0 && record.block_hard == 0 && record.block_soft == 0 &&
        record.inode_hard == 0 && record.inode_soft == 0) {
      continue;
    }
    if (auto kept = keep(record); !kept) return std::move(kept).error();
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
  return rows;
}

Result<std::string> filesystem_fsid(const std::string& path) {
  struct statfs st {};
  if (::statfs(path.c_str(), &st) != 0) return fail("statfs {}: {}", path, std::strerror(errno));
  int words[2];
  static_assert(sizeof words == sizeof st.f_fsid);
  std::memcpy(words, &st.f_fsid, sizeof words);
  return fmt::format("{:08x}:{:08x}", static_cast<uint32_t>(words[0]), static_cast<uint32_t>(words[1]));
}

QuotaCollector::QuotaCollector(std::vector<QuotaMount> mounts, UidRange range, UserSource users,
                               std::unique_ptr<QuotaKernel> kernel, std::string proc_root)
    : mounts_(std::move(mounts)),
      range_(range),
      users_(std::move(users)),
      kernel_(std::move(kernel)),
      proc_root_(std::move(proc_root)) {}

void QuotaCollector::collect(protocol::NodeReport& report) {
  if (mounts_.empty()) return;
  const auto table = mount_table(report, name(), proc_root_);
  if (!table) return;
  for (const QuotaMount& configured : mounts_) {
    const MountEntry* mount = find_mount(*table, configured.path);
    if (mount == nullptr) {
      add_error(report, name(), configured.path, fail("not mounted"));
      continue;
    }
    if (mount->fs_type != "xfs" && mount->fs_type != "ext4" && mount->fs_type != "ext3" && mount->fs_type != "ext2") {
      add_error(report, name(), configured.path, fail("{} has no quotactl user quotas herd can read", mount->fs_type));
      continue;
    }
    auto device = block_device(*mount);
    auto fsid = filesystem_fsid(configured.path);
    if (!device || !fsid) {
      add_error(report, name(), configured.path, device ? fsid.error() : device.error());
      continue;
    }
    // XFS keeps its own quota records and its walk is complete; see
    // WalkCompleteness for the ext family.
    const auto completeness =
        mount->fs_type == "xfs" ? WalkCompleteness::complete : WalkCompleteness::ask_users_too;
    auto rows = walk_quotas(*kernel_, *device, configured.path, range_, users_, completeness);
    if (!rows) {
      add_error(report, name(), configured.path, rows.error());
      continue;
    }
    report.quota_filesystems.push_back(protocol::QuotaFilesystem{
        configured.path, mount->fs_type, configured.path, mount->source,
        fmt::format("{}:{}:{}", mount->fs_type, mount->source, *fsid), configured.shared});
    for (auto& row : *rows) report.quotas.push_back(std::move(row));
  }
}

}  // namespace herd::collectors
