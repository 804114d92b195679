// A crash at any step of the /etc commit leaves the complete old set of
// files or, once recovery has run (every apply runs it first), the complete
// new set; never a mix. Also the ordinary error path after each step.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "directory/apply.hpp"
#include "directory/etc_commit.hpp"
#include "tests/unit/directory/fixtures.hpp"

namespace herd::directory {
namespace {

using FileSet = std::array<std::string, 4>;

FileSet files_of(const test::NodeRoot& root) {
  return {test::read_text(root.etc("passwd")), test::read_text(root.etc("shadow")), test::read_text(root.etc("group")),
          test::read_text(root.etc("gshadow"))};
}

// Records the steps of a commit, and crashes or fails at step `at`.
class Faults final : public WriteFaults {
 public:
  explicit Faults(std::size_t at = SIZE_MAX, FaultAction action = FaultAction::proceed) : at_(at), action_(action) {}
  FaultAction after(std::string_view step) override {
    steps.emplace_back(step);
    return steps.size() - 1 == at_ ? action_ : FaultAction::proceed;
  }
  std::vector<std::string> steps;

 private:
  std::size_t at_;
  FaultAction action_;
};

protocol::DirectoryApplyResult apply(const test::NodeRoot& root, const protocol::Directory& d, WriteFaults* faults) {
  ApplyOptions o;
  o.root = root.path();
  o.faults = faults;
  return apply_directory(d, o);
}

// The old set (base files plus one applied revision) and the new set (the
// next revision, which changes all four files).
struct Revisions {
  protocol::Directory old_dir = test::small_directory();
  protocol::Directory new_dir = [] {
    auto d = test::small_directory();
    d.users.push_back(test::user("carol", 20003, "students"));
    d.groups.push_back({"ml", 20005, {"carol"}});
    return d;
  }();
};

FileSet new_set() {
  test::NodeRoot root;
  Revisions r;
  EXPECT_TRUE(apply(root, r.old_dir, nullptr).applied);
  EXPECT_TRUE(apply(root, r.new_dir, nullptr).applied);
  return files_of(root);
}

std::vector<std::string> all_steps() {
  test::NodeRoot root;
  Revisions r;
  EXPECT_TRUE(apply(root, r.old_dir, nullptr).applied);
  Faults record;
  EXPECT_TRUE(apply(root, r.new_dir, &record).applied);
  return record.steps;
}

TEST(Crash, TheCommitHasTheStepsItDocuments) {
  EXPECT_THAT(all_steps(), testing::ElementsAre("stage passwd", "stage shadow", "stage group", "stage gshadow",
                                                "backup passwd", "backup shadow", "backup group", "backup gshadow",
                                                "journal", "rename passwd", "rename shadow", "rename group",
                                                "rename gshadow", "sync", "journal removed"));
}

void check_every_step(FaultAction action) {
  const FileSet expected_new = new_set();
  const auto steps = all_steps();
  for (std::size_t at = 0; at < steps.size(); ++at) {
    SCOPED_TRACE("interrupted after " + steps[at]);
    test::NodeRoot root;
    Revisions r;
    ASSERT_TRUE(apply(root, r.old_dir, nullptr).applied);
    const FileSet old_set = files_of(root);
    ASSERT_NE(old_set, expected_new);

    Faults faults(at, action);
    const auto interrupted = apply(root, r.new_dir, &faults);
    EXPECT_FALSE(interrupted.applied);
    const bool committed = at >= 8;  // the journal step is the commit point
    if (!committed) {
      EXPECT_EQ(files_of(root), old_set) << "before the commit point the old set stays";
    }

    // What a reader sees once recovery has run (the next apply runs it first).
    ASSERT_TRUE(recover_etc_commit(root.path() + "/etc").ok());
    const FileSet recovered = files_of(root);
    EXPECT_EQ(recovered, committed ? expected_new : old_set);
    for (const char* leftover : {"passwd.herd-new", "shadow.herd-new", "group.herd-new", "gshadow.herd-new",
                                 ".herd-etc-commit"}) {
      EXPECT_FALSE(std::filesystem::exists(root.etc(leftover))) << leftover;
    }
    // And the next apply converges on the new set.
    EXPECT_TRUE(apply(root, r.new_dir, nullptr).applied);
    EXPECT_EQ(files_of(root), expected_new);
  }
}

TEST(Crash, ACrashAfterAnyStepLeavesTheOldOrTheNewSet) { check_every_step(FaultAction::crash); }

TEST(Crash, AnErrorAfterAnyStepLeavesTheOldOrTheNewSet) { check_every_step(FaultAction::fail); }

TEST(Crash, TheNextApplyCompletesAnInterruptedCommitAndSaysSo) {
  test::NodeRoot root;
  Revisions r;
  ASSERT_TRUE(apply(root, r.old_dir, nullptr).applied);
  Faults faults(10, FaultAction::crash);  // after "rename shadow": passwd and shadow new, group old
  EXPECT_FALSE(apply(root, r.new_dir, &faults).applied);
  const auto next = apply(root, r.new_dir, nullptr);
  ASSERT_TRUE(next.applied);
  EXPECT_THAT(next.warnings, testing::Contains(testing::HasSubstr("completed an interrupted commit")));
  EXPECT_EQ(files_of(root), new_set());
}

}  // namespace
}  // namespace herd::directory
