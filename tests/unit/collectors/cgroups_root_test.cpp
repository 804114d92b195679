// A real user-UID.slice under cgroup v2, read back through the collector.
// Needs root and a cgroup v2 hierarchy with the memory and cpu controllers;
// skips with the reason otherwise (e.g. a hybrid cgroup v1/v2 host).

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collectors/cgroups.hpp"
#include "collectors/mountinfo.hpp"
#include "root_helpers.hpp"

namespace herd::collectors {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The cgroup v2 mount of this machine, if any.
std::optional<std::string> cgroup2_mount() {
  auto mounts = read_mountinfo();
  if (!mounts) return std::nullopt;
  for (const auto& m : *mounts) {
    if (m.fs_type == "cgroup2") return m.mount_point;
  }
  return std::nullopt;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

// A real user-UID.slice with memory and CPU limits under a private subtree of
// the cgroup v2 hierarchy (never the machine's own user.slice).
TEST(CgroupsOnThisKernel, ReadsLimitsOfARealUserSlice) {
  if (auto why = test::missing_root()) GTEST_SKIP() << *why;
  const auto root = cgroup2_mount();
  if (!root) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  const std::string controllers = read_text(*root + "/cgroup.controllers");
  if (controllers.find("memory") == std::string::npos || controllers.find("cpu") == std::string::npos) {
    GTEST_SKIP() << *root << "/cgroup.controllers lacks memory or cpu (has \"" << controllers
                 << "\"): cgroup v1 holds them here; this runs on the booted VM nodes";
  }
  const std::string base = *root + "/herd-test-" + std::to_string(::getpid());
  const std::string slice = base + "/user.slice/user-4242.slice";
  std::filesystem::create_directories(slice);
  struct Cleanup {
    std::string base, slice;
    ~Cleanup() {
      ::rmdir(slice.c_str());
      ::rmdir((base + "/user.slice").c_str());
      ::rmdir(base.c_str());
    }
  } cleanup{base, slice};
  write(*root + "/cgroup.subtree_control", "+memory +cpu");
  write(base + "/cgroup.subtree_control", "+memory +cpu");
  write(base + "/user.slice/cgroup.subtree_control", "+memory +cpu");
  write(slice + "/memory.max", "268435456");
  write(slice + "/cpu.max", "50000 100000");
  if (read_text(slice + "/memory.max") != "268435456") GTEST_SKIP() << "could not enable the memory controller";

  CgroupsCollector collector(base, UidRange{1000, 59999});
  protocol::NodeReport report;
  collector.collect(report);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().reason;
  ASSERT_EQ(report.slices.size(), 1u);
  EXPECT_EQ(report.slices[0].uid, 4242u);
  EXPECT_EQ(report.slices[0].memory_max_bytes, 268435456u);
  EXPECT_TRUE(report.slices[0].memory_bytes.has_value());
  EXPECT_EQ(report.slices[0].cpu_quota_us, 50000u);
  EXPECT_EQ(report.slices[0].cpu_period_us, 100000u);
}

}  // namespace
}  // namespace herd::collectors
