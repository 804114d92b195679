#include "common/config_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace std::chrono_literals;
using testing::HasSubstr;

namespace herd {
namespace {

struct Sample {
  std::string endpoint;
  std::string name = "default";
  std::chrono::milliseconds interval = 1000ms;
  int64_t count = 3;
  bool flag = false;
  std::string mode = "refuse";
};

Status read_sample(std::string_view text, Sample& out) {
  auto reader = ConfigReader::parse(text, "sample.toml");
  if (!reader) return std::move(reader).error();
  reader->required("endpoint", out.endpoint);
  reader->optional("name", out.name);
  reader->optional("interval", out.interval, 10ms, 60s);
  reader->optional("count", out.count, 1, 10);
  reader->optional("flag", out.flag);
  reader->choice("mode", out.mode, {"refuse", "pending"});
  return reader->finish();
}

TEST(ConfigReader, ReadsValuesAndKeepsDefaultsForAbsentKeys) {
  Sample s;
  ASSERT_TRUE(read_sample("endpoint = \"tcp://x:1\"\ninterval = \"250ms\"\nflag = true\n", s).ok());
  EXPECT_EQ(s.endpoint, "tcp://x:1");
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.interval, 250ms);
  EXPECT_EQ(s.count, 3);
  EXPECT_TRUE(s.flag);
}

TEST(ConfigReader, NamesFileAndLineOfAnUnknownKey) {
  Sample s;
  auto status = read_sample("endpoint = \"e\"\n\nheartbeat_intervall = \"1s\"\n", s);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "sample.toml:3: unknown key heartbeat_intervall");
}

TEST(ConfigReader, NamesFileAndLineOfAWrongType) {
  Sample s;
  auto status = read_sample("endpoint = \"e\"\ncount = \"three\"\n", s);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "sample.toml:2: count: expected an integer, got a string");
}

TEST(ConfigReader, ReportsAMissingRequiredKey) {
  Sample s;
  auto status = read_sample("name = \"x\"\n", s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("missing required key endpoint"));
}

TEST(ConfigReader, ReportsEveryProblemAtOnce) {
  Sample s;
  auto status = read_sample("count = 99\ninterval = \"forever\"\nmode = \"maybe\"\nbogus = 1\n", s);
  ASSERT_FALSE(status.ok());
  const std::string& m = status.error().message;
  EXPECT_THAT(m, HasSubstr("missing required key endpoint"));
  EXPECT_THAT(m, HasSubstr("sample.toml:1: count: 99 is outside [1, 10]"));
  EXPECT_THAT(m, HasSubstr("sample.toml:2: interval: invalid duration \"forever\""));
  EXPECT_THAT(m, HasSubstr("sample.toml:3: mode: \"maybe\" is not one of \"refuse\", \"pending\""));
  EXPECT_THAT(m, HasSubstr("sample.toml:4: unknown key bogus"));
}

TEST(ConfigReader, ReportsSyntaxErrorsWithLineAndColumn) {
  auto reader = ConfigReader::parse("endpoint = \"unterminated\n", "bad.toml");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error().message, testing::StartsWith("bad.toml:1:"));
}

TEST(ConfigReader, PrefixesKeysOfSectionsAndTables) {
  auto reader = ConfigReader::parse("[checks]\nload = \"x\"\n[[mount]]\npath = 1\n", "s.toml");
  ASSERT_TRUE(reader.ok());
  int64_t load = 0;
  reader->section("checks", [&](ConfigReader& r) { r.optional("load", load, 0, 100); });
  reader->each_table("mount", [&](ConfigReader& r) {
    std::string path;
    r.optional("path", path);
  });
  auto status = reader->finish();
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("s.toml:2: checks.load: expected an integer, got a string"));
  EXPECT_THAT(status.error().message, HasSubstr("s.toml:4: mount[0].path: expected a string, got an integer"));
}

TEST(ConfigReader, ReportsAFileThatCannotBeRead) {
  auto reader = ConfigReader::open("/nonexistent/herd.toml");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error().message, HasSubstr("/nonexistent/herd.toml"));
}

}  // namespace
}  // namespace herd
