// The sd-bus code against a real bus. systemd is not PID 1 on the test
// machine, so the bus is a private dbus-daemon and the manager is
// fake_systemd1.py, a small service implementing the part of
// org.freedesktop.systemd1 the agent calls (a stand-in for systemd, which
// cannot run here; the test against real systemd runs on the booted VM nodes).

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "collectors/systemd_units.hpp"
#include "collectors/user_units.hpp"
#include "tests/support/temp_dir.hpp"

extern char** environ;

using namespace std::chrono_literals;
using testing::ElementsAre;
using testing::HasSubstr;

namespace herd::collectors {
namespace {

// A child process we started, stopped by its pid when the test ends.
class Child {
 public:
  explicit Child(std::vector<std::string> argv) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (::posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  [[nodiscard]] bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

bool wait_for_file(const std::string& path) {
  for (int i = 0; i < 500; ++i) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// A dbus-daemon on a socket in `dir` with fake_systemd1.py serving `spec` on it.
class FakeManager {
 public:
  FakeManager(const std::string& dir, const std::string& spec) : socket_(dir + "/bus") {
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/spec.json") << spec;
    daemon_ = std::make_unique<Child>(std::vector<std::string>{"/usr/bin/dbus-daemon", "--session", "--nofork",
                                                               "--nopidfile", "--address=" + address()});
    for (int i = 0; i < 500 && !std::filesystem::exists(socket_); ++i) std::this_thread::sleep_for(10ms);
    service_ = std::make_unique<Child>(std::vector<std::string>{
        "/usr/bin/python3", std::string(HERD_SOURCE_DIR) + "/tests/unit/collectors/fake_systemd1.py", address(),
        dir + "/spec.json", dir + "/ready"});
    ready_ = daemon_->started() && service_->started() && wait_for_file(dir + "/ready");
  }
  [[nodiscard]] std::string address() const { return "unix:path=" + socket_; }
  [[nodiscard]] bool ready() const { return ready_; }

 private:
  std::string socket_;
  std::unique_ptr<Child> daemon_, service_;
  bool ready_ = false;
};

std::optional<std::string> missing_tools() {
  if (::access("/usr/bin/dbus-daemon", X_OK) != 0) return "no /usr/bin/dbus-daemon (package dbus-daemon)";
  if (std::system("/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null") != 0) {
    return "/usr/bin/python3 lacks dbus or gi (packages python3-dbus, python3-gi)";
  }
  return std::nullopt;
}

constexpr const char* kSystem = R"({"state": "degraded", "units": [
  {"name": "sshd.service", "load": "loaded", "active": "active", "sub": "running", "since_us": 1700000000000000},
  {"name": "slurmd.service", "load": "loaded", "active": "failed", "sub": "failed", "since_us": 1700000100000000},
  {"name": "nfs-client.target", "load": "loaded", "active": "active", "sub": "active", "since_us": 0}]})";

TEST(SystemdOverSdBus, ReportsStateFailedUnitsAndConfiguredUnits) {
  if (auto why = missing_tools()) GTEST_SKIP() << *why;
  herd::test::TempDir dir;
  FakeManager manager(dir / "system", kSystem);
  ASSERT_TRUE(manager.ready()) << "the fake manager did not start";

  SystemdCollector collector({{manager.address(), true}},
                             {"sshd.service", "slurmd.service", "nfs-client.target", "nope.service"}, 2s);
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().reason;
  ASSERT_TRUE(report.health.systemd.has_value());
  EXPECT_EQ(report.health.systemd->state, "degraded");
  EXPECT_EQ(report.health.systemd->failed_count, 1u);
  EXPECT_THAT(report.health.systemd->failed_units, ElementsAre("slurmd.service"));
  ASSERT_EQ(report.health.units.size(), 4u);
  EXPECT_EQ(report.health.units[0].active_state, "active");
  EXPECT_EQ(report.health.units[0].sub_state, "running");
  EXPECT_EQ(report.health.units[0].since_ms, 1'700'000'000'000);
  EXPECT_EQ(report.health.units[1].active_state, "failed");
  EXPECT_FALSE(report.health.units[2].since_ms.has_value());  // never changed state
  EXPECT_EQ(report.health.units[3].load_state, "not-found");
}

TEST(SystemdOverSdBus, AHugeFailedListIsCountedButBounded) {
  if (auto why = missing_tools()) GTEST_SKIP() << *why;
  herd::test::TempDir dir;
  const std::string long_name(5000, 'x');
  FakeManager manager(dir / "system", R"({"state": "degraded", "extra_failed": 20000, "units": [
      {"name": ")" + long_name + R"(.service", "load": "loaded", "active": "failed", "sub": "failed", "since_us": 1}]})");
  ASSERT_TRUE(manager.ready());
  SystemdCollector collector({{manager.address(), true}}, {}, 10s);
  protocol::NodeReport report;
  collector.collect(report);
  ASSERT_TRUE(report.health.systemd.has_value()) << report.errors.front().reason;
  EXPECT_EQ(report.health.systemd->failed_count, 20001u);
  EXPECT_EQ(report.health.systemd->failed_units.size(), kMaxFailedUnits);
  for (const auto& name : report.health.systemd->failed_units) EXPECT_LE(name.size(), kMaxUnitName);
}

TEST(SystemdOverSdBus, AnUnreachableManagerIsAnErrorAfterTryingEveryEndpoint) {
  herd::test::TempDir dir;
  SystemdCollector collector({{"unix:path=" + (dir / "none"), false}, {"unix:path=" + (dir / "bus"), true}}, {}, 1s);
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_FALSE(report.health.systemd.has_value());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].collector, "systemd");
  EXPECT_THAT(report.errors[0].reason, HasSubstr(dir / "none"));
  EXPECT_THAT(report.errors[0].reason, HasSubstr(dir / "bus"));
}

TEST(UserUnitsOverSdBus, ReadsEachRunningUserManagerAndSkipsUsersWithout) {
  if (auto why = missing_tools()) GTEST_SKIP() << *why;
  herd::test::TempDir dir;
  FakeManager alice(dir / "user-4001", R"({"state": "running", "units": [
      {"name": "docker.service", "load": "loaded", "active": "active", "sub": "running", "since_us": 1700000000000000},
      {"name": "containerd.service", "load": "loaded", "active": "failed", "sub": "failed", "since_us": 1700000000500000},
      {"name": "dbus.socket", "load": "loaded", "active": "active", "sub": "listening", "since_us": 5},
      {"name": "idle.service", "load": "loaded", "active": "inactive", "sub": "dead", "since_us": 0}]})");
  ASSERT_TRUE(alice.ready());
  SystemClock clock;
  UserManagerConfig config;
  config.address_template = "unix:path=" + dir.path() + "/user-%U/bus";
  config.bus_daemon = true;
  auto users = [] { return Result<std::vector<UserRef>>(std::vector<UserRef>{{4001, "alice"}, {4002, "bob"}}); };
  UserUnitsCollector collector(clock, config, users);
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().reason;
  ASSERT_EQ(report.user_units.size(), 2u);  // services only, inactive ones left out; bob has no manager
  EXPECT_EQ(report.user_units[0].uid, 4001u);
  EXPECT_EQ(report.user_units[0].unit.name, "docker.service");
  EXPECT_EQ(report.user_units[0].unit.sub_state, "running");
  EXPECT_EQ(report.user_units[0].unit.since_ms, 1'700'000'000'000);
  EXPECT_EQ(report.user_units[1].unit.name, "containerd.service");
  EXPECT_EQ(report.user_units[1].unit.active_state, "failed");
}

TEST(UserManagerAddress, SubstitutesTheUid) {
  EXPECT_EQ(user_manager_address("unix:path=/run/user/%U/systemd/private", 1001),
            "unix:path=/run/user/1001/systemd/private");
}

}  // namespace
}  // namespace herd::collectors
