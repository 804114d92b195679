#pragma once
// One apply of a directory to a node (SPEC §5), the way herd-agent does it on
// every revision and `herd-agent apply FILE --root DIR` does it once:
//
//   validate -> lock ROOT/etc/.pwd.lock -> finish an interrupted commit ->
//   read passwd/shadow/group/gshadow and the applied state -> plan ->
//   commit the changed /etc files as one set -> per-user files -> state.
//
// Refusal (validation, collision, uid change, unreadable files) writes
// nothing. Nothing changed -> nothing written, not even the state.

#include <chrono>
#include <string>

#include "common/clock.hpp"
#include "directory/etc_commit.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

struct ApplyOptions {
  std::string root = "/";             // apply into ROOT/etc, ROOT/var/lib/..., ROOT + each home
  const Clock* clock = nullptr;       // for shadow's last-change day and the duration; nullptr: the system clock
  WriteFaults* faults = nullptr;      // test seam: failures injected into the /etc commit
  bool dry_run = false;               // plan and count, write nothing
  bool validated = false;             // the caller already ran validate_directory on this directory
  std::chrono::milliseconds lock_timeout{15'000};
};

[[nodiscard]] protocol::DirectoryApplyResult apply_directory(const protocol::Directory& directory,
                                                             const ApplyOptions& options);

// Where an apply keeps its per-user state under ROOT.
inline constexpr std::string_view kStatePath = "/var/lib/herd/directory.state";

}  // namespace herd::directory
