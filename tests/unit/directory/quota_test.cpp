// Quota limits set by apply, read back with quotactl, on a loop-mounted XFS
// image (uquota) and an ext4 image (quota feature). Where the kernel cannot
// mount either with quotas, the test skips and prints why; the booted VM
// nodes of the image tier run it for real.

#include <array>
#include <cstdio>
#include <sys/mount.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/apply.hpp"
#include "directory/quota.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

std::string sh(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  std::array<char, 512> buf{};
  while (p != nullptr && std::fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  *status = p == nullptr ? -1 : ::pclose(p);
  return out;
}

// A file system image made with `mkfs`, loop-mounted with `options` at
// ROOT/quota; unmounted (and the loop device freed) at the end.
class QuotaMount {
 public:
  QuotaMount(const test::NodeRoot& root, const std::string& mkfs, const std::string& options)
      : image_(root / "fs.img"), mount_point_(root / "quota") {
    std::filesystem::create_directories(mount_point_);
    int status = 0;
    const std::string out = sh("truncate -s 320M " + image_ + " && " + mkfs + " " + image_ + " >/dev/null && mount -o loop," +
                                   options + " " + image_ + " " + mount_point_,
                               &status);
    if (status != 0) {
      // The kernel says why in its log ("not built with CONFIG_QUOTA and CONFIG_QFMT_V2").
      int ignored = 0;
      why_not_ = "mount with " + options + " failed: " + out + "kernel log: " + sh("dmesg | tail -n 1", &ignored);
    }
  }
  ~QuotaMount() {
    if (why_not_.empty()) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  [[nodiscard]] const std::string& why_not() const { return why_not_; }

 private:
  std::string image_, mount_point_, why_not_;
};

void check_limits_are_applied(const std::string& mkfs, const std::string& options) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to loop-mount a file system";
  test::NodeRoot root;
  QuotaMount mount(root, mkfs, options);
  if (!mount.why_not().empty()) {
    GTEST_SKIP() << "this kernel cannot mount with quotas (runs on the booted VM nodes instead): " << mount.why_not();
  }
  auto d = test::small_directory();
  d.users[0].disk_quota = {{"/quota", 10ull << 20, 20ull << 20, 1000, 2000}};
  d.users[1].disk_quota = {{"/quota", 0, 1500, 0, 0}};  // 1500 bytes: applied as 2 KiB
  ApplyOptions o;
  o.root = root.path();
  const auto r = apply_directory(d, o);
  ASSERT_TRUE(r.applied);
  EXPECT_THAT(r.warnings, testing::IsEmpty());
  auto alice = get_user_quota(root / "quota", 20001);
  ASSERT_TRUE(alice.ok() && *alice) << (alice.ok() ? "quotas unavailable" : alice.error().message);
  EXPECT_EQ(**alice, (QuotaLimits{10ull << 20, 20ull << 20, 1000, 2000}));
  auto bob = get_user_quota(root / "quota", 20002);
  ASSERT_TRUE(bob.ok() && *bob);
  EXPECT_EQ((*bob)->bytes_hard, 2048u);
  // Unchanged limits are not set again; changed ones are.
  auto same = set_user_quota(root / "quota", 20001, {10ull << 20, 20ull << 20, 1000, 2000});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->state, QuotaOutcome::unchanged);
}

TEST(Quota, XfsUquotaLimitsAreReadBack) { check_limits_are_applied("mkfs.xfs -q -f", "uquota"); }

TEST(Quota, Ext4QuotaLimitsAreReadBack) { check_limits_are_applied("mkfs.ext4 -q -F -O quota", "usrquota"); }

TEST(Quota, MountinfoLeadsToTheDeepestMount) {
  const std::string mountinfo =
      "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
      "40 22 7:0 / /srv/scratch rw shared:20 - xfs /dev/loop0 rw,usrquota\n"
      "41 22 7:1 / /srv/scratch\\040two rw shared:21 - ext4 /dev/loop1 rw\n";
  EXPECT_EQ(mount_source_of(mountinfo, "/srv/scratch/alice"), "/dev/loop0");
  EXPECT_EQ(mount_source_of(mountinfo, "/srv/scratch two/x"), "/dev/loop1");
  EXPECT_EQ(mount_source_of(mountinfo, "/srv/scratchy"), "/dev/vda");
  EXPECT_EQ(mount_source_of("garbage\n", "/x"), std::nullopt);
}

}  // namespace
}  // namespace herd::directory
