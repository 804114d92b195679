#include "bus/roles.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::bus {
namespace {

TEST(ReconnectInterval, IsDrawnFromMinToTwiceMin) {
  const ReconnectPolicy policy{1000ms, 30s};
  EXPECT_EQ(pick_reconnect_interval(policy, 0.0), 1000ms);
  EXPECT_EQ(pick_reconnect_interval(policy, 0.5), 1500ms);
  EXPECT_EQ(pick_reconnect_interval(policy, 0.9999), 1999ms);
  EXPECT_EQ(pick_reconnect_interval(policy, 7.0), 1999ms);  // clamped
}

TEST(QuerySocket, MustBeIpc) {
  Context context;
  auto s = bind_query_router(context, "tcp://127.0.0.1:5555");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, testing::HasSubstr("must be an ipc:// endpoint"));
}

TEST(IpcPath, ExtractsThePath) {
  EXPECT_EQ(ipc_path("ipc:///run/herd/controller.sock"), "/run/herd/controller.sock");
  EXPECT_EQ(ipc_path("tcp://x:1"), "");
}

}  // namespace
}  // namespace herd::bus
