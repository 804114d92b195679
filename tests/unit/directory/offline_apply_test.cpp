// `herd-agent apply FILE --root DIR [--json]`, called the way main will.

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "directory/offline_apply.hpp"
#include "protocol/envelope.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using testing::HasSubstr;

struct Outcome {
  int status;
  std::string out, err;
};
Outcome offline(const std::string& file, const std::string& root, bool json) {
  std::ostringstream out, err;
  const int status = run_offline_apply(file, root, json, out, err);
  return {status, out.str(), err.str()};
}

TEST(OfflineApply, AppliesTheExampleAndPrintsCounts) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: chown to managed uids";
  test::NodeRoot root;
  const Outcome first = offline(HERD_SOURCE_DIR "/examples/directory.yaml", root.path(), false);
  EXPECT_EQ(first.status, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("users: 2 added, 0 changed, 0 removed\n"));
  EXPECT_THAT(first.out, HasSubstr("groups: 3 added, 0 changed, 0 removed\n"));
  EXPECT_THAT(first.out, HasSubstr("(/etc: passwd, shadow, group, gshadow)"));
  const Outcome second = offline(HERD_SOURCE_DIR "/examples/directory.yaml", root.path(), true);
  EXPECT_EQ(second.status, 0) << second.err;
  const auto json = nlohmann::json::parse(second.out);
  EXPECT_EQ(json["applied"], true);
  EXPECT_EQ(json["users_added"], 0);
  EXPECT_EQ(json["files_written"], 0);
}

TEST(OfflineApply, RefusalExitsOneWithEveryErrorAndWritesNothing) {
  test::NodeRoot root;
  const std::string file = root / "bad.yaml";
  test::write_text(file,
                   "managed_uid_range: [20000, 60000]\n"
                   "managed_gid_range: [20000, 60000]\n"
                   "groups: [{name: g, gid: 20000}]\n"
                   "users:\n"
                   "  - {name: alice, uid: 70001, primary_group: g}\n"
                   "  - {name: bob, uid: 20002, primary_group: h, shell: sh}\n");
  const std::string before = test::read_text(root.etc("passwd"));
  const Outcome r = offline(file, root.path(), false);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "error: " + file + ":5: user \"alice\": uid 70001 outside managed_uid_range [20000, 60000]\n"
                   "error: " + file + ":6: user \"bob\": primary_group \"h\" is not a group of this directory\n"
                   "error: " + file + ":6: user \"bob\": shell \"sh\" is not an absolute path\n"
                   "refused: nothing was written to " + root.path() + "\n");
  EXPECT_EQ(test::read_text(root.etc("passwd")), before);
  const Outcome json = offline(file, root.path(), true);
  EXPECT_EQ(json.status, 1);
  EXPECT_EQ(nlohmann::json::parse(json.out)["errors"].size(), 3u);
}

TEST(DirectoryModel, RoundTripsThroughTheWireCodec) {
  auto d = test::small_directory();
  d.managed_user_directories = {{"/scratch/%u", 0750}};
  d.users[0].disk_quota = {{"/home", 1, 2, 3, 4}};
  d.users[0].update_password = protocol::UpdatePassword::on_create;
  protocol::Envelope e;
  e.sender = "controller";
  const std::string bytes = protocol::encode_frame(e, d);
  auto frame = protocol::decode_frame(bytes);
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  auto back = protocol::decode_body<protocol::Directory>(*frame);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, d);
}

}  // namespace
}  // namespace herd::directory
