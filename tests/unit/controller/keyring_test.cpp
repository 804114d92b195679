#include "controller/keyring.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "bus/curve_keys.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

TEST(Keyring, KnowsEnrolledKeysAndLearnsNewOnesOnReload) {
  test::TempDir dir;
  auto a = *bus::generate_keypair("a");
  ASSERT_TRUE(bus::write_keypair(a, dir / "a", false).ok());
  std::filesystem::remove(dir / "a.key");  // the controller only ever has public keys
  Keyring ring(dir.path());
  ASSERT_TRUE(ring.reload().ok());
  EXPECT_EQ(ring.node_for(a.public_key), "a");
  auto b = *bus::generate_keypair("b");
  EXPECT_FALSE(ring.node_for(b.public_key).has_value());
  ASSERT_TRUE(bus::write_keypair(b, dir / "b", false).ok());
  ASSERT_TRUE(ring.reload().ok());
  EXPECT_EQ(ring.node_for(b.public_key), "b");
  EXPECT_EQ(ring.size(), 2u);
}

TEST(Keyring, AnUnreadableDirectoryKeepsTheKeysLoadedBefore) {
  test::TempDir dir;
  auto a = *bus::generate_keypair("a");
  ASSERT_TRUE(bus::write_keypair(a, dir / "a", false).ok());
  Keyring ring(dir / "sub");
  std::filesystem::create_directory(dir / "sub");
  std::filesystem::copy_file(dir / "a.pub", dir / "sub/a.pub");
  ASSERT_TRUE(ring.reload().ok());
  std::filesystem::remove_all(dir / "sub");
  EXPECT_FALSE(ring.reload().ok());
  EXPECT_EQ(ring.node_for(a.public_key), "a");
}

TEST(Keyring, RescansAreRateLimited) {
  Keyring ring("/nonexistent");
  ManualClock clock;
  EXPECT_TRUE(ring.may_rescan(clock.monotonic(), 5s));
  clock.advance(4s);
  EXPECT_FALSE(ring.may_rescan(clock.monotonic(), 5s));
  clock.advance(1s);
  EXPECT_TRUE(ring.may_rescan(clock.monotonic(), 5s));
}

}  // namespace
}  // namespace herd::controller
