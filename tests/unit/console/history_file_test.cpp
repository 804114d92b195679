#include "cli/console/history_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <sys/stat.h>

#include "tests/support/temp_dir.hpp"

namespace herd::cli::console {
namespace {

TEST(HistoryPath, XdgStateHomeFirstThenHome) {
  EXPECT_EQ(history_path("/x/state", "/home/a"), "/x/state/herd/console_history");
  EXPECT_EQ(history_path(nullptr, "/home/a"), "/home/a/.local/state/herd/console_history");
  EXPECT_EQ(history_path("", "/home/a"), "/home/a/.local/state/herd/console_history");
  EXPECT_EQ(history_path("relative", "/home/a"), "/home/a/.local/state/herd/console_history");  // XDG: ignore relative
  EXPECT_EQ(history_path(nullptr, nullptr), std::nullopt);
  EXPECT_EQ(history_path(nullptr, "relative"), std::nullopt);
}

TEST(HistoryDir, CreatedPrivate) {
  test::TempDir dir;
  const std::string path = dir / "state/herd/console_history";
  ASSERT_TRUE(prepare_history_dir(path).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir / "state/herd").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  EXPECT_TRUE(prepare_history_dir(path).ok());  // again: already there
}

TEST(HistoryDir, FailureNamesThePath) {
  test::TempDir dir;
  std::ofstream(dir / "blocker") << "a file where a directory should be";  // fails for root too
  auto s = prepare_history_dir(dir / "blocker/herd/console_history");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(dir / "blocker/herd"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("Not a directory"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace herd::cli::console
