// quotactl on real filesystems: loop-mounted XFS (uquota) and ext4 (quota
// feature) images with files owned by two uids, read back through the quota
// collector. Needs root, loop devices and a kernel with quota support
// (CONFIG_XFS_QUOTA; CONFIG_QFMT_V2 for ext4): where the quota mount fails the
// test skips with the kernel's reason, and runs on the booted VM nodes.

#include <sys/mount.h>
#include <sys/quota.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "collectors/quota.hpp"
#include "root_helpers.hpp"
#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;

namespace herd::collectors {
namespace {

// Runs a shell command; its exit status and what it printed.
std::pair<int, std::string> run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), &::pclose);
  std::string output;
  std::array<char, 512> buffer{};
  while (pipe && std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) output += buffer.data();
  const int status = pipe ? ::pclose(pipe.release()) : -1;
  return {status, output};
}

struct FsCase {
  const char* name;
  const char* mkfs;         // formats IMAGE
  const char* size;         // image size
  const char* options;      // mount options
  const char* kernel_need;  // what a failed mount most likely means
};

void PrintTo(const FsCase& fs, std::ostream* out) { *out << fs.name; }

class QuotaOnLoopMount : public testing::TestWithParam<FsCase> {
 protected:
  void SetUp() override {
    if (auto why = test::private_mount_namespace()) GTEST_SKIP() << *why;
    const FsCase& fs = GetParam();
    image_ = dir_ / "image";
    mount_point_ = dir_ / "mnt";
    std::filesystem::create_directory(mount_point_);
    auto [rc, out] = run(fmt::format("truncate -s {} {} && {}", fs.size, image_, fmt::format(fmt::runtime(fs.mkfs), image_)));
    if (rc != 0) GTEST_SKIP() << "cannot make the " << fs.name << " image: " << out;
    auto [lrc, loop] = run("losetup --find --show " + image_);
    if (lrc != 0) GTEST_SKIP() << "no loop device: " << loop;
    loop_ = loop.substr(0, loop.find('\n'));
    auto [mrc, mout] = run(fmt::format("mount -t {} -o {} {} {}", fs.name, fs.options, loop_, mount_point_));
    if (mrc != 0) {
      GTEST_SKIP() << "mounting " << fs.name << " with " << fs.options << " failed (" << mout.substr(0, mout.find('\n'))
                   << "): this kernel likely lacks " << fs.kernel_need << "; runs on the booted VM nodes";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
    if (!loop_.empty()) (void)run("losetup -d " + loop_);
  }

  void write_owned(const std::string& name, std::size_t bytes, uid_t uid) {
    const std::string path = mount_point_ + "/" + name;
    std::ofstream(path) << std::string(bytes, 'x');
    ASSERT_EQ(::chown(path.c_str(), uid, uid), 0);
    ::sync();
  }

  herd::test::TempDir dir_;
  std::string image_, mount_point_, loop_;
  bool mounted_ = false;
};

TEST_P(QuotaOnLoopMount, ReportsUsageAndLimitsOfTwoUsersThenTheFilesystemVanishing) {
  write_owned("alice.dat", 1 << 20, 4001);
  write_owned("bob.dat", 3 << 20, 4002);
  // A hard limit of 10 MiB for alice, set as setquota(8) would.
  dqblk limit{};
  limit.dqb_bhardlimit = 10 * 1024;  // 1 KiB blocks
  limit.dqb_valid = QIF_BLIMITS;
  ASSERT_EQ(::quotactl(QCMD(Q_SETQUOTA, USRQUOTA), loop_.c_str(), 4001, reinterpret_cast<caddr_t>(&limit)), 0)
      << std::strerror(errno);

  auto users = [] { return Result<std::vector<UserRef>>(std::vector<UserRef>{{4001, "alice"}, {4002, "bob"}}); };
  QuotaCollector collector({{mount_point_, false}}, UidRange{4000, 4999}, users);
  protocol::NodeReport report;
  collector.collect(report);
  ASSERT_TRUE(report.errors.empty()) << report.errors.front().reason;
  ASSERT_EQ(report.quota_filesystems.size(), 1u);
  EXPECT_EQ(report.quota_filesystems[0].kind, GetParam().name);
  EXPECT_THAT(report.quota_filesystems[0].identity, HasSubstr(loop_));
  ASSERT_EQ(report.quotas.size(), 2u);
  EXPECT_EQ(report.quotas[0].uid, 4001u);
  EXPECT_GE(report.quotas[0].bytes_used, 1u << 20);
  EXPECT_EQ(report.quotas[0].bytes_hard, 10u << 20);
  EXPECT_EQ(report.quotas[1].uid, 4002u);
  EXPECT_GE(report.quotas[1].bytes_used, 3u << 20);
  EXPECT_FALSE(report.quotas[1].bytes_hard.has_value());

  ASSERT_EQ(::umount2(mount_point_.c_str(), 0), 0);
  mounted_ = false;
  protocol::NodeReport after;
  collector.collect(after);
  EXPECT_TRUE(after.quotas.empty());
  ASSERT_EQ(after.errors.size(), 1u);
  EXPECT_THAT(after.errors[0].reason, HasSubstr("not mounted"));
}

INSTANTIATE_TEST_SUITE_P(
    Filesystems, QuotaOnLoopMount,
    testing::Values(FsCase{"xfs", "mkfs.xfs -q -f {}", "320M", "uquota", "CONFIG_XFS_QUOTA"},
                    FsCase{"ext4", "mkfs.ext4 -q -F -O quota -E quotatype=usrquota {}", "64M", "usrquota",
                           "CONFIG_QFMT_V2"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace herd::collectors
