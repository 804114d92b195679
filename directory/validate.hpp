#pragma once
// Validation of a whole directory (SPEC §5), on the model alone: the same
// function checks a file the admin wrote and a snapshot an agent received.
// Every problem is collected, not just the first, so one pass fixes a file.

#include <array>
#include <vector>

#include "directory/diagnostics.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

// Records whose own checks (everything but references to other records and
// uniqueness) are known to pass: the same record passed them before under the
// same managed ranges, and they depend on nothing else. By index into
// directory.users / directory.groups; an index past the end is not known.
// Skipping them gives exactly the diagnostics of a full validation.
struct KnownValid {
  std::vector<bool> users;
  std::vector<bool> groups;
};

[[nodiscard]] std::vector<Diagnostic> validate_directory(const protocol::Directory& directory,
                                                         const KnownValid* known = nullptr);

// Whether one record passes its own checks, every name it refers to taken to
// exist: what the delta plan asks of a changed record before it checks the
// references itself.
[[nodiscard]] bool user_valid_alone(const protocol::DirectoryUser& user, const std::array<uint32_t, 2>& uid_range);
[[nodiscard]] bool group_valid_alone(const protocol::DirectoryGroup& group, const std::array<uint32_t, 2>& gid_range);

}  // namespace herd::directory
