#pragma once
// The plan of an apply that follows a successful one onto files nobody has
// touched since: the Plan that validation and plan_apply (plan.hpp) would
// give, computed from what changed. The directory is aligned with the last
// one by record hash in one sequential pass; only records that differ are
// checked, generated and looked up, and every other line is copied from the
// files as they are. Pure: no I/O, no clock.
//
// It declines (nullopt), leaving the apply to validate_directory and
// plan_apply, whenever a change is more than a plain edit: other ranges or
// templates, a group renumbered or removed, a new name that meets an
// unmanaged entry, a uid change, a removed user still listed by a group, any
// check that fails, or more than an eighth of the records changed. So every
// refusal, warning and diagnostic comes from the full path; the delta plan
// only ever says "valid, and here is the plan".

#include <array>
#include <optional>
#include <string>

#include "directory/first_index.hpp"
#include "directory/layout.hpp"
#include "directory/plan.hpp"
#include "directory/record_hash.hpp"

namespace herd::directory {

struct DeltaInput {
  const protocol::Directory& directory;
  const RecordHashes& hashes;
  // The four files as they are, which `layout` describes.
  std::array<const std::string*, kEtcFileCount> text{};
  // Record hashes known to pass their own checks under these ranges (null:
  // none); changed records that pass them are added.
  FirstIndex<uint64_t>* valid_users = nullptr;
  FirstIndex<uint64_t>* valid_groups = nullptr;
  int64_t today = 0;  // days since the epoch
};

// `layout`: the last plan's, describing `in.text`. On success it has been
// moved into the plan's layout (which describes the planned files); when the
// delta plan declines it is left as it was.
[[nodiscard]] std::optional<Plan> plan_delta(const DeltaInput& in, Layout& layout);

}  // namespace herd::directory
