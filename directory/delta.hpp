#pragma once
// Revisions on the wire (pure): the controller computes the delta between two
// directories; an agent applies it to its copy. Users and groups are keyed by
// name; a changed record travels whole. Both sides keep directories in
// canonical order (by name) so a copy built from deltas equals the snapshot.

#include "common/result.hpp"
#include "protocol/messages/directory.hpp"

namespace herd::directory {

// Sorts users and groups by name.
void canonicalize(protocol::Directory& directory);

// What changed from `before` to `after` (both canonical), as the names of
// the change report and as the update to publish.
struct DirectoryDelta {
  protocol::DirectoryChange change;  // valid/errors/revisions left to the caller
  protocol::DirectoryUpdate update;  // revision numbers left to the caller
  [[nodiscard]] bool empty() const;
};
[[nodiscard]] DirectoryDelta compute_delta(const protocol::Directory& before, const protocol::Directory& after);

// Applies an update to a copy at update.base_revision. Fails when the update
// does not fit the copy (a removed name that is not there, settings changed):
// the agent then asks for a snapshot.
[[nodiscard]] Status apply_delta(protocol::Directory& copy, const protocol::DirectoryUpdate& update);

}  // namespace herd::directory
