#pragma once
// Applies revision after revision of the directory to one root, the way the
// agent does: a full snapshot, then deltas. Between applies it keeps what it
// learnt: the four /etc files as read or written, the applied state, and the
// records it has validated. An apply then costs what changed rather than
// what exists, wherever what it kept is still true:
//
// - /etc and the state file are stat'ed; a file whose size, mtime, ctime and
//   inode are those seen at the end of the last apply is taken from memory,
//   any other is read again (so a hand edit is seen and repaired);
// - a record whose hash passed validation before, under the same managed
//   ranges, skips its own checks; the checks between records (references,
//   duplicates) always run, so the diagnostics are those of a full validation.
//
// Same steps, results and guarantees as apply_directory (apply.hpp), which is
// one apply of a fresh DirectoryApplier. One per root; not thread-safe.

#include <memory>

#include "directory/apply.hpp"

namespace herd::directory {

class DirectoryApplier {
 public:
  explicit DirectoryApplier(ApplyOptions options);
  ~DirectoryApplier();
  DirectoryApplier(DirectoryApplier&&) noexcept;
  DirectoryApplier& operator=(DirectoryApplier&&) noexcept;

  // Validates and applies; incremental where the previous apply's state is
  // known and still true, else a full read.
  [[nodiscard]] protocol::DirectoryApplyResult apply(const protocol::Directory& directory);

  struct Memory;  // what the last apply left behind (applier.cpp)

 private:
  ApplyOptions options_;
  std::unique_ptr<Memory> memory_;
};

}  // namespace herd::directory
