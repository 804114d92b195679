// A real hung mount: a FUSE filesystem whose server never answers (we open
// /dev/fuse, mount it, and never read the INIT request), so statvfs on it
// blocks in the kernel exactly as on a dead NFS server. Needs root; runs in
// a private mount namespace so nothing else on the machine sees the mount.

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "collectors/collection.hpp"
#include "collectors/mounts.hpp"
#include "collectors/proc.hpp"
#include "root_helpers.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;

namespace herd::collectors {
namespace {

class HungFuseMount : public testing::Test {
 protected:
  void SetUp() override {
    if (auto why = test::private_mount_namespace()) GTEST_SKIP() << why->c_str();
    fuse_fd_ = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fuse_fd_ < 0) GTEST_SKIP() << "cannot open /dev/fuse: " << std::strerror(errno);
    const std::string options = "fd=" + std::to_string(fuse_fd_) + ",rootmode=40000,user_id=0,group_id=0";
    if (::mount("herd-test", dir_.path().c_str(), "fuse", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      GTEST_SKIP() << "cannot mount FUSE: " << std::strerror(errno);
    }
  }
  void TearDown() override {
    if (fuse_fd_ >= 0) {
      ::umount2(dir_.path().c_str(), MNT_DETACH);
      ::close(fuse_fd_);  // aborts the connection: the stuck statvfs returns ENOTCONN
    }
  }

  herd::test::TempDir dir_;
  int fuse_fd_ = -1;
};

TEST_F(HungFuseMount, IsReportedHungWithinTheTimeoutAndOnlyOneProbeWaits) {
  SystemClock clock;
  MountsCollector collector(clock, {"/", dir_.path()}, 300ms);
  for (int round = 0; round < 3; ++round) {
    const auto start = std::chrono::steady_clock::now();
    protocol::NodeReport report;
    collector.collect(report);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    ASSERT_EQ(report.health.mounts.size(), 2u);
    EXPECT_EQ(report.health.mounts[0].state, protocol::MountState::ok);
    EXPECT_EQ(report.health.mounts[1].state, protocol::MountState::hung);
    EXPECT_EQ(report.health.mounts[1].fs_type, "fuse");
  }
  EXPECT_EQ(collector.outstanding_probes(), 1u);

  TearDown();  // the "server" goes away: the kernel fails the stuck call
  fuse_fd_ = -1;
  for (int i = 0; i < 200 && collector.outstanding_probes() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(collector.outstanding_probes(), 0u);
}

TEST_F(HungFuseMount, TheLoopKeepsHeartbeatingWhileACollectionWaitsOnIt) {
  SystemClock clock;
  CollectorsConfig config;
  config.mounts = {dir_.path()};
  config.mount_timeout = 1s;
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<MountsCollector>(clock, config.mounts, config.mount_timeout));
  auto collection = Collection::create(clock, std::move(collectors), HealthChecks{});
  ASSERT_TRUE(collection.ok()) << collection.error().message;

  // The agent's loop in miniature: epoll on the collection's fd, a heartbeat every 50 ms.
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  ASSERT_EQ(::epoll_ctl(ep, EPOLL_CTL_ADD, (*collection)->ready_fd(), &event), 0);
  ASSERT_TRUE((*collection)->request());
  EXPECT_FALSE((*collection)->request()) << "a second request while one runs must not queue";
  int heartbeats = 0;
  std::optional<protocol::NodeReport> report;
  const auto start = std::chrono::steady_clock::now();
  while (!report && std::chrono::steady_clock::now() - start < 5s) {
    const auto before = std::chrono::steady_clock::now();
    const int n = ::epoll_wait(ep, &event, 1, 50);
    EXPECT_LT(std::chrono::steady_clock::now() - before, 200ms) << "the loop was blocked";
    if (n == 1) {
      report = (*collection)->take();
    } else {
      ASSERT_TRUE(read_loadavg().ok());
      ++heartbeats;
    }
  }
  ::close(ep);
  ASSERT_TRUE(report.has_value()) << "no report within 5 s";
  EXPECT_GE(heartbeats, 15) << "about 1 s of mount_timeout should pass at 50 ms per heartbeat";
  ASSERT_EQ(report->health.mounts.size(), 1u);
  EXPECT_EQ(report->health.mounts[0].state, protocol::MountState::hung);
}

}  // namespace
}  // namespace herd::collectors
