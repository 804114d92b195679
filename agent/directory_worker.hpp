#pragma once
// Applies directory revisions on a thread of its own, so a slow apply (a
// big first revision, a home directory on a slow filesystem) never holds up
// heartbeats. Only the newest revision waits: one submitted while another
// is being applied replaces any older one still waiting. ready_fd() becomes
// readable when a result can be taken. One DirectoryApplier lives as long as
// the worker, so an apply after the first costs what changed. Applying into
// the real root ("/"), it then tells logind about users whose linger
// changed (linger_transitions.hpp).

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "agent/directory_sync.hpp"
#include "directory/applier.hpp"

namespace herd::agent {

struct DirectoryOutcome {
  uint64_t revision = 0;
  protocol::DirectoryApplyResult result;
};

class DirectoryWorker {
 public:
  explicit DirectoryWorker(directory::ApplyOptions options);
  ~DirectoryWorker();
  DirectoryWorker(const DirectoryWorker&) = delete;
  DirectoryWorker& operator=(const DirectoryWorker&) = delete;

  [[nodiscard]] Status start();
  void submit(DirectoryWork work);
  [[nodiscard]] int ready_fd() const { return event_fd_; }
  [[nodiscard]] std::optional<DirectoryOutcome> take();

 private:
  void run();
  void tell_logind(const protocol::Directory& directory, protocol::DirectoryApplyResult& result);

  bool tell_logind_ = false;  // only for the node's own root, never a sandbox (set before applier_ takes the options)
  directory::DirectoryApplier applier_;
  std::set<uint32_t> linger_told_;  // uids logind was told linger for (worker thread only)
  int event_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<DirectoryWork> waiting_;
  std::optional<DirectoryOutcome> done_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herd::agent
