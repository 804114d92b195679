#include "agent/heartbeat_source.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace herd::agent {
namespace {

TEST(HeartbeatSource, ReadsThisMachine) {
  HeartbeatSource source;
  std::string error;
  const auto hb = source.sample(&error);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_GT(hb.uptime_ms, 0u);
  EXPECT_GT(hb.mem_total_bytes, 0u);
}

TEST(HeartbeatSource, KeepsLastGoodValuesWhenASourceBreaks) {
  test::TempDir proc;
  std::ofstream(proc / "uptime") << "100.5 50.0\n";
  std::ofstream(proc / "loadavg") << "1.00 2.00 3.00 1/100 42\n";
  std::ofstream(proc / "meminfo") << "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 500 kB\n"
                                     "SwapTotal: 0 kB\nSwapFree: 0 kB\n";
  HeartbeatSource source(proc.path());
  std::string error;
  auto hb = source.sample(&error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(hb.uptime_ms, 100'500u);
  EXPECT_EQ(hb.mem_available_bytes, 500u * 1024);

  std::ofstream(proc / "meminfo") << "MemTotal: garbage\n";
  std::ofstream(proc / "uptime") << "200.0 50.0\n";
  hb = source.sample(&error);
  EXPECT_NE(error.find("meminfo"), std::string::npos) << error;
  EXPECT_EQ(hb.uptime_ms, 200'000u);             // fresh
  EXPECT_EQ(hb.mem_available_bytes, 500u * 1024);  // last good value
}

}  // namespace
}  // namespace herd::agent
