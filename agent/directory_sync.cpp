#include "agent/directory_sync.hpp"

#include "directory/delta.hpp"

namespace herd::agent {

void DirectorySync::controller_at(uint64_t revision) {
  if (revision != revision_) want_snapshot();
}

void DirectorySync::on_update(const protocol::DirectoryUpdate& update) {
  if (update.revision <= revision_ && copy_) return;  // already have it
  if (update.snapshot_required || !copy_ || update.base_revision != revision_) {
    want_snapshot();
    return;
  }
  if (auto s = directory::apply_delta(*copy_, update); !s) {
    want_snapshot();  // the delta does not fit this copy: start over from a snapshot
    return;
  }
  revision_ = update.revision;
  work_pending_ = true;
}

void DirectorySync::on_snapshot(const protocol::DirectorySnapshot& snapshot) {
  want_snapshot_ = false;
  requested_at_.reset();
  if (snapshot.revision == 0 || !snapshot.directory) return;  // the controller has no directory yet
  if (copy_ && snapshot.revision == revision_) return;
  copy_ = *snapshot.directory;
  directory::canonicalize(*copy_);
  revision_ = snapshot.revision;
  work_pending_ = true;
}

bool DirectorySync::snapshot_due() const {
  return want_snapshot_ && (!requested_at_ || clock_.monotonic() - *requested_at_ >= kSnapshotRetry);
}

void DirectorySync::snapshot_sent() { requested_at_ = clock_.monotonic(); }

std::optional<DirectoryWork> DirectorySync::take_work() {
  if (!work_pending_ || !copy_) return std::nullopt;
  work_pending_ = false;
  return DirectoryWork{revision_, *copy_};
}

}  // namespace herd::agent
