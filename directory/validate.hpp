#pragma once
// Validation of a whole directory (SPEC §5), on the model alone: the same
// function checks a file the admin wrote and a snapshot an agent received.
// Every problem is collected, not just the first, so one pass fixes a file.

#include <vector>

#include "directory/diagnostics.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

[[nodiscard]] std::vector<Diagnostic> validate_directory(const protocol::Directory& directory);

}  // namespace herd::directory
