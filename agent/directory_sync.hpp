#pragma once
// An agent's copy of the directory and how it keeps it current (pure; the
// clone pattern with revisions as sequence numbers):
//  - an update whose base is the copy's revision is applied as a delta;
//  - an update from further ahead (a gap), a controller at another revision
//    (welcome, tick: a late start, a reboot, a missed update) or an update
//    that says so means: ask for a snapshot, at most every kSnapshotRetry;
//  - every new revision of the copy becomes work for the applier, once.

#include <chrono>
#include <optional>
#include <utility>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::agent {

inline constexpr std::chrono::seconds kSnapshotRetry{5};

struct DirectoryWork {
  uint64_t revision = 0;
  protocol::Directory directory;
};

class DirectorySync {
 public:
  explicit DirectorySync(const Clock& clock) : clock_(clock) {}

  void controller_at(uint64_t revision);
  void on_update(const protocol::DirectoryUpdate& update);
  void on_snapshot(const protocol::DirectorySnapshot& snapshot);

  // Whether to send a directory_snapshot_request now; call snapshot_sent() if it went out.
  [[nodiscard]] bool snapshot_due() const;
  void snapshot_sent();

  // The copy at a revision not yet handed out, if any.
  [[nodiscard]] std::optional<DirectoryWork> take_work();

  [[nodiscard]] uint64_t revision() const { return revision_; }

 private:
  void want_snapshot() { want_snapshot_ = true; }

  const Clock& clock_;
  uint64_t revision_ = 0;
  std::optional<protocol::Directory> copy_;
  bool work_pending_ = false;
  bool want_snapshot_ = false;
  std::optional<MonoTime> requested_at_;
};

}  // namespace herd::agent
