#include "agent/config.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
using testing::HasSubstr;

namespace herd::agent {
namespace {

Result<AgentConfig> load(const std::string& text) {
  static test::TempDir dir;
  const std::string path = dir / "agent.toml";
  std::ofstream(path) << text;
  return load_agent_config(path);
}

TEST(AgentConfig, ExampleFileIsValid) {
  auto c = load_agent_config(std::string(HERD_SOURCE_DIR) + "/examples/agent.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const AgentConfig defaults;
  EXPECT_EQ(c->heartbeat_interval, defaults.heartbeat_interval);
  EXPECT_EQ(c->reconnect_min, defaults.reconnect_min);
  EXPECT_EQ(c->reconnect_max, defaults.reconnect_max);
  EXPECT_EQ(c->key, defaults.key);
}

TEST(AgentConfig, EndpointsAreRequired) {
  auto c = load("");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("missing required key controller_endpoint"));
  EXPECT_THAT(c.error().message, HasSubstr("missing required key publish_endpoint"));
}

TEST(AgentConfig, BackoffBoundsMustBeOrdered) {
  auto c = load("controller_endpoint = \"tcp://h:1\"\npublish_endpoint = \"tcp://h:2\"\n"
                "reconnect_min = \"10s\"\nreconnect_max = \"1s\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr(":4: reconnect_max: must not be less than reconnect_min"));
}

}  // namespace
}  // namespace herd::agent
