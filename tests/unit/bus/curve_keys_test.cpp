#include "bus/curve_keys.hpp"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/atomic_file.hpp"
#include "tests/support/temp_dir.hpp"

using testing::HasSubstr;

namespace herd::bus {
namespace {

TEST(CurveKeys, GeneratedPairWritesAndReadsBack) {
  test::TempDir dir;
  auto keys = generate_keypair("node01");
  ASSERT_TRUE(keys.ok());
  ASSERT_TRUE(write_keypair(*keys, dir / "node01", false).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir / "node01.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto secret = read_secret_key_file(dir / "node01.key");
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(secret->name, "node01");
  EXPECT_EQ(secret->public_key, keys->public_key);
  EXPECT_EQ(secret->secret_key, keys->secret_key);
  auto pub = read_public_key_file(dir / "node01.pub");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->public_key, keys->public_key);
  EXPECT_TRUE(pub->secret_key.empty());
  // The public file never carries the secret.
  EXPECT_EQ(read_file(dir / "node01.pub")->find(keys->secret_key), std::string::npos);
}

TEST(CurveKeys, RefusesToOverwriteWithoutForce) {
  test::TempDir dir;
  auto keys = generate_keypair("n1");
  ASSERT_TRUE(write_keypair(*keys, dir / "n1", false).ok());
  auto again = write_keypair(*keys, dir / "n1", false);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.error().message, HasSubstr("already exists"));
  EXPECT_TRUE(write_keypair(*keys, dir / "n1", true).ok());
}

TEST(CurveKeys, RejectsInvalidNodeNames) {
  for (const char* bad : {"", "Node01", "../etc", "a/b", "-x", "a b"}) {
    EXPECT_FALSE(generate_keypair(bad).ok()) << bad;
  }
}

TEST(CurveKeys, SecretFileReadableByOthersIsRefused) {
  test::TempDir dir;
  auto keys = generate_keypair("n1");
  ASSERT_TRUE(write_keypair(*keys, dir / "n1", false).ok());
  ::chmod((dir / "n1.key").c_str(), 0644);
  auto read = read_secret_key_file(dir / "n1.key");
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.error().message, HasSubstr("readable by others"));
}

TEST(CurveKeys, SecretThatDoesNotMatchItsPublicKeyIsRefused) {
  test::TempDir dir;
  auto a = generate_keypair("n1");
  auto b = generate_keypair("n1");
  CurveKeyPair mixed{"n1", a->public_key, b->secret_key};
  ASSERT_TRUE(write_keypair(mixed, dir / "n1", false).ok());
  auto read = read_secret_key_file(dir / "n1.key");
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.error().message, HasSubstr("public_key does not belong to secret_key"));
}

TEST(CurveKeys, MalformedFilesGiveFileAndProblem) {
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "a.pub", "name = \"a\"\npublic_key = \"short\"\n").ok());
  EXPECT_THAT(read_public_key_file(dir / "a.pub").error().message,
              HasSubstr("a.pub: public_key is not a 40-character Z85 CURVE key"));
  ASSERT_TRUE(write_file_atomic(dir / "b.pub", "name = \"b\"\n").ok());
  EXPECT_THAT(read_public_key_file(dir / "b.pub").error().message, HasSubstr("missing required key public_key"));
  ASSERT_TRUE(write_file_atomic(dir / "c.pub", "\x01\x02garbage").ok());
  EXPECT_THAT(read_public_key_file(dir / "c.pub").error().message, HasSubstr("c.pub:1"));
  EXPECT_THAT(read_secret_key_file(dir / "missing.key").error().message, HasSubstr("missing.key"));
}

TEST(KeyDirectory, EnrolsWellFormedKeysAndListsTheRest) {
  test::TempDir dir;
  auto good = generate_keypair("good");
  ASSERT_TRUE(write_keypair(*good, dir / "good", false).ok());
  // Name inside differs from the file name: refused.
  auto liar = generate_keypair("victim");
  ASSERT_TRUE(write_keypair(*liar, dir / "liar", false).ok());
  // Two files with the same key: both refused.
  auto twin = generate_keypair("twin1");
  ASSERT_TRUE(write_keypair(*twin, dir / "twin1", false).ok());
  CurveKeyPair twin2 = *twin;
  twin2.name = "twin2";
  ASSERT_TRUE(write_keypair(twin2, dir / "twin2", false).ok());
  ASSERT_TRUE(write_file_atomic(dir / "broken.pub", "name = ").ok());

  auto keys = load_key_directory(dir.path());
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->name_by_key.size(), 1u);
  EXPECT_EQ(keys->name_by_key.at(good->public_key), "good");
  EXPECT_EQ(keys->problems.size(), 3u);
  std::string all;
  for (const auto& p : keys->problems) all += p + "\n";
  EXPECT_THAT(all, HasSubstr("name \"victim\" inside does not match the file name"));
  EXPECT_THAT(all, HasSubstr("the same public key is enrolled for twin1, twin2"));
  EXPECT_THAT(all, HasSubstr("broken.pub"));
}

TEST(KeyDirectory, MissingDirectoryIsAnError) {
  EXPECT_FALSE(load_key_directory("/nonexistent/keys").ok());
}

}  // namespace
}  // namespace herd::bus
