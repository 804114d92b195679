#pragma once
// Replaces some of passwd, shadow, group and gshadow as one set, so that a
// crash at any instant leaves either the complete old set or, once recovery
// has run, the complete new set:
//
//   1. each new file is written beside its target as F.herd-new and fsynced;
//   2. each target is copied to its backup F- (shadow-utils' convention);
//   3. the journal .herd-etc-commit, naming the files, is written atomically:
//      the commit point;
//   4. each F.herd-new is renamed over F, and the directory fsynced;
//   5. the journal is removed.
//
// recover_etc_commit, run under the lock before every apply reads the files,
// finishes an interrupted commit (journal present: rename what is left) or
// discards one that never reached its commit point (remove the F.herd-new).

#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/result.hpp"
#include "directory/etc_files.hpp"

namespace herd::directory {

// Test seam: told after each step; a test answers `crash` to stop dead there
// (nothing cleaned up, as after a power cut) or `fail` to take the error path.
enum class FaultAction { proceed, crash, fail };
class WriteFaults {
 public:
  virtual ~WriteFaults() = default;
  virtual FaultAction after(std::string_view step) = 0;
};

struct EtcReplacement {
  EtcFile file;
  std::string content;
  FileOwnership owner;
  // The target's content as the caller read it under the lock, for the
  // backup; nullptr: read it again. Spares reading megabytes twice.
  const std::string* current = nullptr;
};

[[nodiscard]] Status commit_etc_files(const std::string& etc_dir, const std::vector<EtcReplacement>& files,
                                      WriteFaults* faults);

// true when a commit passed its commit point and is not finished yet.
[[nodiscard]] bool commit_pending(const std::string& etc_dir);

// true when an interrupted commit was completed.
[[nodiscard]] Result<bool> recover_etc_commit(const std::string& etc_dir);

}  // namespace herd::directory
