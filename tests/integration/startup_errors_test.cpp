// Daemons refuse to start on a bad config or key, with FILE:LINE or the
// file's name and what is wrong, and exit status 1.

#include <fstream>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;

namespace herd::test {
namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

CommandResult run(const std::string& daemon, const std::string& config) {
  return run_command({binary(daemon), "--config", config}, 10s);
}

TEST(StartupErrors, UnknownKeyNamesFileAndLine) {
  TempDir dir;
  write(dir / "c.toml", "down_after = \"3s\"\ndown_aftre = \"4s\"\n");
  const auto r = run("controller/herd-controller", dir / "c.toml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir / "c.toml:2: unknown key down_aftre"), std::string::npos) << r.err;
}

TEST(StartupErrors, WrongTypeNamesFileAndLine) {
  TempDir dir;
  write(dir / "c.toml", "\n\ndown_after = 3\n");
  const auto r = run("controller/herd-controller", dir / "c.toml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir / "c.toml:3: down_after: expected a duration string"), std::string::npos) << r.err;
}

TEST(StartupErrors, MissingRequiredValueIsNamed) {
  TempDir dir;
  write(dir / "a.toml", "publish_endpoint = \"tcp://127.0.0.1:1\"\n");
  const auto r = run("agent/herd-agent", dir / "a.toml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing required key controller_endpoint"), std::string::npos) << r.err;
}

TEST(StartupErrors, MissingConfigFileIsNamed) {
  const auto r = run("agent/herd-agent", "/nonexistent/agent.toml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/agent.toml"), std::string::npos) << r.err;
}

TEST(StartupErrors, MissingKeyFileIsAClearError) {
  Cluster cluster;
  cluster.add_node("node01");
  std::remove(cluster.key_path("node01").c_str());
  const auto r = run("agent/herd-agent", cluster.agent_config("node01"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("failed to load this node's key: cannot read key file " + cluster.key_path("node01")),
            std::string::npos)
      << r.err;
}

TEST(StartupErrors, SecretKeyReadableByOthersIsRefused) {
  Cluster cluster;
  cluster.add_node("node01");
  ::chmod(cluster.key_path("node01").c_str(), 0644);
  const auto r = run("agent/herd-agent", cluster.agent_config("node01"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("readable by others"), std::string::npos) << r.err;
}

TEST(StartupErrors, ControllerWithoutItsKeyRefusesToStart) {
  Cluster cluster;
  write(cluster.dir() / "c.toml", "key = \"" + (cluster.dir() / "nope.key") + "\"\nkeys_dir = \"" +
                                      cluster.dir().path() + "\"\nstate_db = \"" + (cluster.dir() / "db") + "\"\n");
  const auto r = run("controller/herd-controller", cluster.dir() / "c.toml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("failed to load the controller key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace herd::test
