#pragma once
// The pure diff: a validated directory and the node's current files in, the
// new file contents and per-user work out. No I/O, no clock: `today` (days
// since the epoch, for shadow's last-change field) is passed in.
//
// Rules (SPEC §5):
// - Entries whose id is outside the managed range are copied byte for byte,
//   in their order; managed entries follow them, sorted by id.
// - A directory name equal to an unmanaged entry's name is an error, and so
//   is a new uid for an existing user.
// - update_password on_create never replaces a hash already in shadow.
// - A file whose new content equals its current content is not in the plan;
//   an unchanged directory gives an empty plan.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "directory/applied_state.hpp"
#include "directory/etc_files.hpp"
#include "directory/layout.hpp"
#include "directory/record_hash.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

// The four files as read; a missing file is empty text.
struct CurrentFiles {
  std::array<std::string, kEtcFileCount> text;
  std::array<std::string, kEtcFileCount> label;  // how errors name each file, e.g. "ROOT/etc/passwd"
};

// A user whose per-user files must be brought in line.
struct UserWork {
  const protocol::DirectoryUser* user = nullptr;  // points into the planned directory
  uint32_t gid = 0;
  bool created = false;
  bool quota_only = false;  // everything else was done by an earlier apply
  std::size_t state_index = 0;  // its entry in Plan::next_state.users
};

struct RemovedUser {
  std::string name;
  uint32_t uid = 0;
  std::string home;  // empty when only the state remembered the user
};

struct PlanCounts {
  uint32_t users_added = 0, users_changed = 0, users_removed = 0;
  uint32_t groups_added = 0, groups_changed = 0, groups_removed = 0;
};

struct Plan {
  std::array<std::optional<std::string>, kEtcFileCount> files;  // new content of the files that change
  std::vector<UserWork> work;
  std::vector<RemovedUser> removed;
  PlanCounts counts;
  AppliedState next_state;  // users in `work` stay `pending` here until the writer records their progress
  AppliedState cleanup;                // templates that placed the files of removed users
  std::optional<std::string> old_ssh_keys_dir;  // set when the template moved: old files are removed
  std::optional<uint32_t> shadow_gid;  // gid of group "shadow" on the node, if it has one
  std::vector<std::string> warnings;
  Layout layout;  // the files as planned (users' progress as in next_state before the per-user work)

  [[nodiscard]] bool files_unchanged() const {
    for (const auto& f : files) {
      if (f) return false;
    }
    return true;
  }
};

// `state`: what the last apply recorded, nullptr when there is none.
// `hashes`: hash_records(directory), when the caller has it already.
[[nodiscard]] Result<Plan> plan_apply(const protocol::Directory& directory, const RecordHashes& hashes,
                                      const CurrentFiles& current, const AppliedState* state, int64_t today);
[[nodiscard]] Result<Plan> plan_apply(const protocol::Directory& directory, const CurrentFiles& current,
                                      const AppliedState* state, int64_t today);

}  // namespace herd::directory
