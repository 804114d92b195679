// The quotactl walk is tested against a stand-in for the kernel's quota calls
// (QuotaKernel), because a test machine's kernel may have no quota support at
// all; quota_root_test.cpp runs the same collector on real XFS and ext4.

#include "collectors/quota.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;

namespace herd::collectors {
namespace {

constexpr uint32_t kAll = 63;  // every QIF_* bit

QuotaRecord record(uint32_t id, uint64_t bytes, uint64_t hard_blocks = 0) {
  QuotaRecord r;
  r.id = id;
  r.valid = kAll;
  r.space_bytes = bytes;
  r.block_hard = hard_blocks;
  r.inodes = 3;
  return r;
}

// Answers like the kernel: get_next gives the first record at or after the id.
class FakeQuotaKernel final : public QuotaKernel {
 public:
  std::map<uint32_t, QuotaRecord> records;
  int next_error = 0;  // returned by get_next instead of an answer (EINVAL: no Q_GETNEXTQUOTA)
  int calls = 0;      // get_next and get
  int get_calls = 0;  // get only

  int get_next(const std::string&, uint32_t id, QuotaRecord& out) override {
    ++calls;
    if (next_error != 0) return next_error;
    const auto it = records.lower_bound(id);
    if (it == records.end()) return ENOENT;
    out = it->second;
    return 0;
  }
  int get(const std::string&, uint32_t id, QuotaRecord& out) override {
    ++calls;
    ++get_calls;
    const auto it = records.find(id);
    out = it == records.end() ? QuotaRecord{id, kAll} : it->second;
    return 0;
  }
};

UserSource users(std::vector<UserRef> list) {
  return [list] { return Result<std::vector<UserRef>>(list); };
}

TEST(ToUserQuota, ConvertsBlocksAndTreatsZeroAsNoLimit) {
  QuotaRecord r = record(1001, 5000, 1024);
  r.block_soft = 0;
  r.inode_hard = 100;
  r.block_grace = 1'700'000'000;
  auto row = to_user_quota(r, "/scratch");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->bytes_used, 5000u);
  EXPECT_EQ(row->bytes_hard, 1024u * 1024);
  EXPECT_FALSE(row->bytes_soft.has_value());
  EXPECT_EQ(row->inodes_hard, 100u);
  EXPECT_EQ(row->bytes_grace_until_ms, 1'700'000'000'000);
}

TEST(ToUserQuota, RefusesWhatTheKernelDidNotFillOrThatOverflows) {
  QuotaRecord r = record(1001, 5000);
  r.valid = 0;
  EXPECT_THAT(to_user_quota(r, "/x").error().message, HasSubstr("no space usage"));
  r = record(1001, 5000, UINT64_MAX / 2);
  EXPECT_THAT(to_user_quota(r, "/x").error().message, HasSubstr("overflow"));
  r = record(1001, 5000);
  r.valid = 2;  // space only: limits not valid, so absent
  EXPECT_FALSE(to_user_quota(r, "/x")->bytes_hard.has_value());
}

TEST(WalkQuotas, VisitsEveryIdInRangeOnce) {
  FakeQuotaKernel kernel;
  kernel.records = {{0, record(0, 99)}, {1001, record(1001, 10)}, {1500, record(1500, 20)}, {65534, record(65534, 1)}};
  auto rows = walk_quotas(kernel, "/dev/x", "/scratch", UidRange{1000, 59999}, users({}));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].uid, 1001u);
  EXPECT_EQ((*rows)[1].uid, 1500u);
  EXPECT_EQ(kernel.calls, 3);  // 1001, 1500, then past the range
}

TEST(WalkQuotas, FallsBackToOneCallPerUserWithoutGetNextQuota) {
  FakeQuotaKernel kernel;
  kernel.next_error = EINVAL;  // Linux < 4.6
  kernel.records = {{1001, record(1001, 10)}};
  auto rows = walk_quotas(kernel, "/dev/x", "/scratch", UidRange{}, users({{1001, "alice"}, {1002, "bob"}}));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);  // bob has neither usage nor limits
  EXPECT_EQ((*rows)[0].uid, 1001u);
}

TEST(WalkQuotas, OnExtAlsoAsksTheUsersTheWalkMissed) {
  // What ext4 did on the VM nodes: Q_GETNEXTQUOTA ends at once although
  // Q_GETQUOTA knows the users.
  FakeQuotaKernel kernel;
  kernel.records = {{1001, record(1001, 10)}, {1500, record(1500, 20)}};
  kernel.next_error = ENOENT;
  auto complete = walk_quotas(kernel, "/dev/x", "/home", UidRange{}, users({{1001, "alice"}, {1500, "bob"}}));
  ASSERT_TRUE(complete.ok()) << complete.error().message;
  EXPECT_TRUE(complete->empty());  // trusted as complete: what XFS gets
  auto asked = walk_quotas(kernel, "/dev/x", "/home", UidRange{}, users({{1500, "bob"}, {1001, "alice"}, {1002, "carol"}}),
                           WalkCompleteness::ask_users_too);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  ASSERT_EQ(asked->size(), 2u);  // carol has neither usage nor limits
  EXPECT_EQ((*asked)[0].uid, 1001u);
  EXPECT_EQ((*asked)[1].uid, 1500u);
}

TEST(WalkQuotas, AUserFoundByTheWalkIsNotAskedForAgain) {
  FakeQuotaKernel kernel;
  kernel.records = {{1001, record(1001, 10)}, {1500, record(1500, 20)}};
  auto rows = walk_quotas(kernel, "/dev/x", "/home", UidRange{}, users({{1001, "alice"}, {1500, "bob"}}),
                          WalkCompleteness::ask_users_too);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(kernel.get_calls, 0);
}

TEST(WalkQuotas, ReportsDisabledQuotasAndOtherFailures) {
  FakeQuotaKernel kernel;
  kernel.next_error = ESRCH;
  EXPECT_THAT(walk_quotas(kernel, "/dev/x", "/s", {}, users({})).error().message, HasSubstr("not enabled"));
  kernel.next_error = ENODEV;  // the device went away under us
  EXPECT_THAT(walk_quotas(kernel, "/dev/x", "/s", {}, users({})).error().message, HasSubstr("No such device"));
}

TEST(WalkQuotas, StopsOnAKernelThatGoesBackwards) {
  class Backwards final : public QuotaKernel {
    int get_next(const std::string&, uint32_t, QuotaRecord& out) override {
      out = record(1000, 1);
      return 0;
    }
    int get(const std::string&, uint32_t, QuotaRecord&) override { return EINVAL; }
  } kernel;
  auto rows = walk_quotas(kernel, "/dev/x", "/s", UidRange{1000, 2000}, users({}));
  EXPECT_THAT(rows.error().message, HasSubstr("went backwards"));
}

// Collects quotas of /scratch on a node whose mount table is `mountinfo`.
protocol::NodeReport collect_scratch(const std::string& mountinfo) {
  herd::test::TempDir proc;
  std::filesystem::create_directory(proc / "self");
  std::ofstream(proc / "self/mountinfo") << mountinfo;
  QuotaCollector collector({{"/scratch", false}}, UidRange{}, users({}), std::make_unique<FakeQuotaKernel>(),
                           proc.path());
  protocol::NodeReport report;
  collector.collect(report);
  return report;
}

TEST(QuotaCollector, AFilesystemThatVanishedIsAnErrorNotARow) {
  const auto report = collect_scratch("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n");
  EXPECT_TRUE(report.quotas.empty());
  EXPECT_TRUE(report.quota_filesystems.empty());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].collector, "quota");
  EXPECT_EQ(report.errors[0].subject, "/scratch");
  EXPECT_THAT(report.errors[0].reason, HasSubstr("not mounted"));
}

TEST(QuotaCollector, RefusesAFilesystemWithoutQuotactlQuotas) {
  const auto report = collect_scratch("1 0 0:30 / /scratch rw - tmpfs tmpfs rw\n");
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0].reason, HasSubstr("tmpfs has no quotactl"));
}

}  // namespace
}  // namespace herd::collectors
