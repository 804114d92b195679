#include "collectors/mounts.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>

#include "collectors/mountinfo.hpp"
#include "samples.hpp"
#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;
using namespace std::chrono_literals;

namespace herd::collectors {
namespace {

TEST(ParseMountinfo, ReadsTheCapturedSample) {
  auto mounts = parse_mountinfo(test::sample("mountinfo.txt"));
  ASSERT_TRUE(mounts.ok()) << mounts.error().message;
  const MountEntry* root = find_mount(*mounts, "/");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->fs_type, "ext4");
  EXPECT_EQ(root->source, "/dev/vda");
  EXPECT_FALSE(root->read_only);
  const MountEntry* proc = find_mount(*mounts, "/proc");
  ASSERT_NE(proc, nullptr);
  EXPECT_EQ(proc->major, 0u);
  EXPECT_EQ(proc->minor, 21u);
  EXPECT_EQ(find_mount(*mounts, "/scratch"), nullptr);
}

TEST(ParseMountinfo, DecodesEscapesOptionalFieldsAndReadOnly) {
  auto mounts = parse_mountinfo(
      "36 35 98:0 / /mnt/my\\040disk ro,noatime shared:1 master:2 - xfs /dev/sdb1 rw\n"
      "37 35 0:50 / /mnt/my\\040disk rw - nfs4 server:/export\\011x rw\n");
  ASSERT_TRUE(mounts.ok()) << mounts.error().message;
  EXPECT_TRUE((*mounts)[0].read_only);
  EXPECT_EQ((*mounts)[0].mount_point, "/mnt/my disk");
  // Stacked mounts: the last one is what the path shows.
  EXPECT_EQ(find_mount(*mounts, "/mnt/my disk")->fs_type, "nfs4");
  EXPECT_EQ(find_mount(*mounts, "/mnt/my disk")->source, "server:/export\tx");
}

TEST(ParseMountinfo, RejectsLinesOfAnotherShapeNamingTheLine) {
  EXPECT_THAT(parse_mountinfo("22 27 0:21 / /proc rw - proc proc rw\nx y\n").error().message,
              HasSubstr("line 2: expected mount and parent ids"));
  EXPECT_THAT(parse_mountinfo("22 27 021 / /proc rw - proc proc rw\n").error().message, HasSubstr("major:minor"));
  EXPECT_THAT(parse_mountinfo("22 27 0:21 / /proc rw proc proc rw\n").error().message, HasSubstr("separator"));
  EXPECT_THAT(parse_mountinfo("22 27 0:21 / /pr\\09c rw - proc proc rw\n").error().message, HasSubstr("mount point"));
  EXPECT_THAT(parse_mountinfo("22 27 0:21 / /proc\\04 rw - proc proc rw\n").error().message, HasSubstr("mount point"));
  EXPECT_THAT(parse_mountinfo("22 27 0:21 / proc rw - proc proc rw\n").error().message, HasSubstr("mount point"));
  EXPECT_THAT(parse_mountinfo("22 27 0:21 / /proc rw -\n").error().message, HasSubstr("type and source"));
}

TEST(FillUsage, ConvertsBlocksToBytes) {
  struct statvfs st {};
  st.f_frsize = 4096;
  st.f_blocks = 1000;
  st.f_bfree = 300;
  st.f_bavail = 250;
  st.f_files = 100;
  st.f_ffree = 40;
  protocol::MountUsage m;
  ASSERT_TRUE(fill_usage(st, m).ok());
  EXPECT_EQ(m.total_bytes, 4'096'000u);
  EXPECT_EQ(m.used_bytes, 700u * 4096);
  EXPECT_EQ(m.available_bytes, 250u * 4096);
  EXPECT_EQ(m.inodes_free, 40u);
}

TEST(FillUsage, RefusesImpossibleNumbers) {
  struct statvfs st {};
  protocol::MountUsage m;
  EXPECT_THAT(fill_usage(st, m).error().message, HasSubstr("block size of 0"));
  st.f_frsize = 4096;
  st.f_blocks = 10;
  st.f_bfree = 11;
  EXPECT_THAT(fill_usage(st, m).error().message, HasSubstr("more free blocks"));
  st.f_bfree = 0;
  st.f_blocks = UINT64_MAX / 2;
  EXPECT_THAT(fill_usage(st, m).error().message, HasSubstr("overflow"));
  EXPECT_FALSE(m.total_bytes.has_value());
}

// A fake /proc whose mountinfo lists `/` and `/data`.
struct FakeMounts {
  herd::test::TempDir dir;
  FakeMounts() {
    std::filesystem::create_directory(dir / "self");
    std::ofstream(dir / "self/mountinfo") << "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                                             "2 1 0:50 / /data rw - nfs4 filer:/data rw\n";
  }
};

TEST(MountsCollector, ReportsUsageAndAPathThatIsNotMounted) {
  FakeMounts proc;
  ManualClock clock;
  auto statvfs_fn = [](const char*, struct statvfs* st) {
    *st = {};
    st->f_frsize = 1024;
    st->f_blocks = 100;
    st->f_bfree = 40;
    st->f_bavail = 40;
    return 0;
  };
  MountsCollector collector(clock, {"/data", "/scratch"}, 1s, proc.dir.path(), statvfs_fn);
  protocol::NodeReport report;
  collector.collect(report);
  ASSERT_EQ(report.health.mounts.size(), 2u);
  EXPECT_EQ(report.health.mounts[0].state, protocol::MountState::ok);
  EXPECT_EQ(report.health.mounts[0].fs_type, "nfs4");
  EXPECT_EQ(report.health.mounts[0].used_bytes, 60u * 1024);
  // statvfs of an unmounted /scratch would measure "/" instead: it is reported as not mounted, without numbers.
  EXPECT_EQ(report.health.mounts[1].state, protocol::MountState::not_mounted);
  EXPECT_FALSE(report.health.mounts[1].total_bytes.has_value());
}

TEST(MountsCollector, ReportsAFailingStatvfsAsAnError) {
  FakeMounts proc;
  ManualClock clock;
  MountsCollector collector(clock, {"/data"}, 1s, proc.dir.path(), [](const char*, struct statvfs*) {
    errno = EIO;
    return -1;
  });
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_EQ(report.health.mounts[0].state, protocol::MountState::error);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].subject, "/data");
  EXPECT_THAT(report.errors[0].reason, HasSubstr("Input/output error"));
}

// A statvfs that blocks until released: the seam for a dead NFS server (the real
// FUSE case is in hung_mount_test.cpp and needs root).
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    open_cv_.wait(lock, [&] { return open_; });
    --waiting_;
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    open_cv_.notify_all();
  }
  int waiting() {
    std::lock_guard lock(mutex_);
    return waiting_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable open_cv_;
  bool open_ = false;
  int waiting_ = 0;
};

TEST(MountsCollector, AHungMountIsReportedWithinTheTimeoutAndProbedByOneThreadOnly) {
  FakeMounts proc;
  SystemClock clock;
  auto gate = std::make_shared<Gate>();
  std::atomic<int> calls{0};
  MountsCollector collector(clock, {"/", "/data"}, 200ms, proc.dir.path(),
                            [gate, &calls](const char* path, struct statvfs* st) {
                              ++calls;
                              if (std::string_view(path) == "/data") gate->wait();
                              *st = {};
                              st->f_frsize = 1024;
                              st->f_blocks = 10;
                              return 0;
                            });
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    protocol::NodeReport report;
    collector.collect(report);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, 1s) << "round " << round;
    ASSERT_EQ(report.health.mounts.size(), 2u);
    EXPECT_EQ(report.health.mounts[0].state, protocol::MountState::ok);  // the healthy mount is still measured
    EXPECT_EQ(report.health.mounts[1].state, protocol::MountState::hung);
    EXPECT_TRUE(report.health.mounts[1].hung_since_ms.has_value());
  }
  // Five reports, one stuck probe: no pile of threads behind a dead server.
  EXPECT_EQ(gate->waiting(), 1);
  EXPECT_EQ(collector.outstanding_probes(), 1u);
  EXPECT_EQ(calls.load(), 5 + 1);

  gate->open();  // the server comes back
  for (int i = 0; i < 100 && collector.outstanding_probes() != 0; ++i) std::this_thread::sleep_for(10ms);
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_EQ(report.health.mounts[1].state, protocol::MountState::ok);
}

}  // namespace
}  // namespace herd::collectors
