#include "controller/config.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
using testing::HasSubstr;

namespace herd::controller {
namespace {

Result<ControllerConfig> load(const std::string& text) {
  static test::TempDir dir;
  const std::string path = dir / "controller.toml";
  std::ofstream(path) << text;
  return load_controller_config(path);
}

TEST(ControllerConfig, EmptyFileGivesTheDocumentedDefaults) {
  auto c = load("");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->agent_endpoint, "tcp://*:7701");
  EXPECT_EQ(c->publish_endpoint, "tcp://*:7702");
  EXPECT_EQ(c->query_socket, "ipc:///run/herd/controller.sock");
  EXPECT_EQ(c->down_after, 3s);
  EXPECT_EQ(c->state_db, "/var/lib/herd/controller.db");
  EXPECT_EQ(c->metrics_listen, "127.0.0.1:9477");
}

TEST(ControllerConfig, ExampleFileIsValidAndMatchesTheDefaults) {
  auto c = load_controller_config(std::string(HERD_SOURCE_DIR) + "/examples/controller.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const ControllerConfig defaults;
  EXPECT_EQ(c->agent_endpoint, defaults.agent_endpoint);
  EXPECT_EQ(c->keys_dir, defaults.keys_dir);
  EXPECT_EQ(c->down_after, defaults.down_after);
  EXPECT_EQ(c->tick_interval, defaults.tick_interval);
  EXPECT_EQ(c->metrics_listen, defaults.metrics_listen);
  EXPECT_EQ(c->enrolment, defaults.enrolment);
}

TEST(ControllerConfig, EnrolmentIsOffByDefaultAndOnlyOffOrPending) {
  EXPECT_EQ(ControllerConfig{}.enrolment, "off");
  auto pending = load("enrolment = \"pending\"\n");
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  EXPECT_EQ(pending->enrolment, "pending");
  auto bad = load("enrolment = \"auto\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr(":1: enrolment"));
}

TEST(ControllerConfig, QuerySocketMustBeLocal) {
  auto c = load("query_socket = \"tcp://0.0.0.0:9\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr(":1: query_socket: must be an ipc:// endpoint"));
}

TEST(ControllerConfig, MetricsListenIsHostPortOrEmpty) {
  auto off = load("metrics_listen = \"\"\n");
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_EQ(off->metrics_listen, "");
  auto v6 = load("metrics_listen = \"[::]:9100\"\n");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  auto no_port = load("log_level = \"info\"\nmetrics_listen = \"0.0.0.0\"\n");
  ASSERT_FALSE(no_port.ok());
  EXPECT_THAT(no_port.error().message, HasSubstr(":2: metrics_listen: \"0.0.0.0\" is not HOST:PORT"));
  auto bad_port = load("metrics_listen = \"127.0.0.1:99999\"\n");
  ASSERT_FALSE(bad_port.ok());
  EXPECT_THAT(bad_port.error().message, HasSubstr(":1: metrics_listen: \"127.0.0.1:99999\": port must be"));
  auto wrong_type = load("metrics_listen = 9477\n");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_THAT(wrong_type.error().message, HasSubstr(":1: metrics_listen"));
}

TEST(ControllerConfig, DownAfterHasSaneBounds) {
  auto c = load("down_after = \"1ms\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("down_after: 1ms is outside [500ms, 1h00m]"));
}

}  // namespace
}  // namespace herd::controller
