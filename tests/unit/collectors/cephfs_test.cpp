// CephFS cannot be mounted on a test machine without a Ceph cluster, so the
// walk is tested with a stand-in for getxattr(2) that answers as the CephFS
// kernel client does (values are decimal text, ENODATA when no quota is set).
// The real getxattr is exercised on a local directory, which is not CephFS.

#include "collectors/cephfs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;
using namespace std::chrono_literals;

namespace herd::collectors {
namespace {

TEST(ParseCephNumber, AcceptsDecimalTextOnly) {
  EXPECT_EQ(*parse_ceph_number("1073741824"), 1073741824u);
  EXPECT_EQ(*parse_ceph_number(std::string_view("42\0", 3)), 42u);
  EXPECT_EQ(*parse_ceph_number("42\n"), 42u);
  for (std::string_view bad : {"", "-1", "12abc", "1e9", "0x10", " 5", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_ceph_number(bad).ok()) << bad;
  }
}

// path -> attribute -> value; a path absent from the map does not exist.
using FakeTree = std::map<std::string, std::map<std::string, std::string>>;

GetxattrFn fake_getxattr(FakeTree tree) {
  return [tree = std::move(tree)](const char* path, const char* name, void* value, size_t size) -> ssize_t {
    const auto dir = tree.find(path);
    if (dir == tree.end()) {
      errno = ENOENT;
      return -1;
    }
    const auto attr = dir->second.find(name);
    if (attr == dir->second.end()) {
      errno = ENODATA;
      return -1;
    }
    if (attr->second.size() > size) {
      errno = ERANGE;
      return -1;
    }
    std::memcpy(value, attr->second.data(), attr->second.size());
    return static_cast<ssize_t>(attr->second.size());
  };
}

const std::vector<UserRef> kUsers{{1001, "alice"}, {1002, "bob"}, {1003, "carol"}, {1004, "dave"}};

TEST(WalkCephTemplate, ReadsUsageAndLimitsPerUser) {
  auto walk = walk_ceph_template(
      "/home/%u", kUsers,
      fake_getxattr({{"/home/alice",
                      {{"ceph.dir.rbytes", "5000"}, {"ceph.quota.max_bytes", "10000"}, {"ceph.dir.rfiles", "7"}}},
                     {"/home/bob", {{"ceph.dir.rbytes", "0"}, {"ceph.quota.max_bytes", "0"}, {"ceph.dir.rfiles", "0"}}},
                     {"/home/carol", {{"ceph.dir.rbytes", "12"}, {"ceph.dir.rfiles", "1"}, {"ceph.quota.max_files", "100"}}}}));
  EXPECT_TRUE(walk.errors.empty());
  ASSERT_EQ(walk.rows.size(), 3u);  // dave has no directory: nothing to report
  EXPECT_EQ(walk.rows[0].uid, 1001u);
  EXPECT_EQ(walk.rows[0].directory, "/home/alice");
  EXPECT_EQ(walk.rows[0].bytes_used, 5000u);
  EXPECT_EQ(walk.rows[0].bytes_hard, 10000u);
  EXPECT_EQ(walk.rows[0].inodes_used, 7u);
  EXPECT_FALSE(walk.rows[1].bytes_hard.has_value());  // max_bytes 0: no quota
  EXPECT_FALSE(walk.rows[2].bytes_hard.has_value());  // no max_bytes attribute: no quota
  EXPECT_EQ(walk.rows[2].inodes_hard, 100u);
}

TEST(WalkCephTemplate, ANonNumericXattrIsAnErrorAndNoRow) {
  auto walk = walk_ceph_template(
      "/home/%u", {{1001, "alice"}, {1002, "bob"}},
      fake_getxattr({{"/home/alice", {{"ceph.dir.rbytes", "5000"}, {"ceph.quota.max_bytes", "lots"}}},
                     {"/home/bob", {{"ceph.dir.rbytes", "-3"}}}}));
  EXPECT_TRUE(walk.rows.empty());
  ASSERT_EQ(walk.errors.size(), 2u);
  EXPECT_EQ(walk.errors[0].subject, "/home/alice");
  EXPECT_THAT(walk.errors[0].reason, HasSubstr("ceph.quota.max_bytes: expected a decimal number, got \"lots\""));
  EXPECT_THAT(walk.errors[1].reason, HasSubstr("ceph.dir.rbytes"));
}

TEST(WalkCephTemplate, ADirectoryWithoutCephAttributesIsNotCephFs) {
  auto walk = walk_ceph_template("/home/%u", {{1001, "alice"}}, fake_getxattr({{"/home/alice", {}}}));
  ASSERT_EQ(walk.errors.size(), 1u);
  EXPECT_THAT(walk.errors[0].reason, HasSubstr("not a CephFS directory"));
}

TEST(CephfsCollector, OnALocalDirectoryReportsThatItIsNotCephFs) {
  herd::test::TempDir dir;
  std::filesystem::create_directory(dir / "alice");
  SystemClock clock;
  CephfsCollector collector(clock, {{dir.path() + "/%u", true}},
                            [] { return Result<std::vector<UserRef>>(std::vector<UserRef>{{1001, "alice"}}); }, 2s);
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.quotas.empty());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].collector, "cephfs");
  EXPECT_EQ(report.errors[0].subject, dir.path() + "/alice");
  EXPECT_THAT(report.errors[0].reason, HasSubstr("ceph.dir.rbytes"));
  // The filesystem is still described, so the controller knows what was asked.
  ASSERT_EQ(report.quota_filesystems.size(), 1u);
  EXPECT_EQ(report.quota_filesystems[0].kind, "cephfs");
  EXPECT_TRUE(report.quota_filesystems[0].shared);
}

TEST(CephfsCollector, AHungCephFsIsAbandonedAfterTheTimeout) {
  SystemClock clock;
  auto release = std::make_shared<std::atomic<bool>>(false);
  CephfsCollector collector(
      clock, {{"/ceph/%u", true}}, [] { return Result<std::vector<UserRef>>(std::vector<UserRef>{{1001, "a"}}); },
      200ms, "/proc", [release](const char*, const char*, void*, size_t) -> ssize_t {
        while (!release->load()) std::this_thread::sleep_for(5ms);
        errno = ENOENT;
        return -1;
      });
  const auto start = std::chrono::steady_clock::now();
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0].reason, HasSubstr("CephFS hung"));
  release->store(true);
}

}  // namespace
}  // namespace herd::collectors
