#include "common/atomic_file.hpp"

#include <filesystem>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace herd {
namespace {

TEST(AtomicFile, WritesContentWithMode) {
  test::TempDir dir;
  const std::string path = dir.path() + "/secret";
  ASSERT_TRUE(write_file_atomic(path, "hello\n", {.mode = 0600}).ok());
  EXPECT_EQ(*read_file(path), "hello\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(AtomicFile, ReplacesAndLeavesNoTemporaryFiles) {
  test::TempDir dir;
  const std::string path = dir.path() + "/f";
  ASSERT_TRUE(write_file_atomic(path, "old").ok());
  ASSERT_TRUE(write_file_atomic(path, "new").ok());
  EXPECT_EQ(*read_file(path), "new");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, FailsWithThePathWhenTheDirectoryIsMissing) {
  test::TempDir dir;
  auto status = write_file_atomic(dir.path() + "/missing/f", "x");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("/missing/f"), std::string::npos);
}

TEST(AtomicFile, ReadRefusesFilesOverTheLimit) {
  test::TempDir dir;
  const std::string path = dir.path() + "/big";
  ASSERT_TRUE(write_file_atomic(path, std::string(100, 'x')).ok());
  EXPECT_FALSE(read_file(path, 99).ok());
  EXPECT_TRUE(read_file(path, 100).ok());
}

}  // namespace
}  // namespace herd
