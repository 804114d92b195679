#pragma once
// The controller's side of the directory (pure): the current revision and
// its model, proposals from admins (validate, diff, decide), and what every
// node acknowledged. Persistence is the Store's, publishing the
// Controller's; this class only decides.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "protocol/messages.hpp"

namespace herd::controller {

struct RevisionRecord {
  protocol::RevisionInfo info;  // `nodes` is filled in by status()
  std::string text;             // the file as the admin gave it
  protocol::Directory model;    // canonical
};

struct NodeDirectoryResult {
  std::string node;
  uint64_t result_revision = 0;
  std::optional<uint64_t> applied_revision;
  int64_t result_ms = 0;
  protocol::DirectoryApplyResult result;
};

class DirectoryState {
 public:
  // From the store at start-up: the newest revision (if any), the infos of
  // all revisions, and the nodes' last results.
  void restore(std::optional<RevisionRecord> current, std::vector<protocol::RevisionInfo> infos,
               std::vector<NodeDirectoryResult> results);

  struct Proposal {
    protocol::DirectoryChange change;
    std::optional<RevisionRecord> revision;        // set when valid and it changes something
    std::optional<protocol::DirectoryUpdate> update;  // what to publish once `revision` is stored
  };
  // Validates `text` (YAML or JSON) and diffs it against the current revision.
  [[nodiscard]] Proposal propose(const std::string& file_name, std::string_view text, const std::string& author,
                                 WallTime now) const;
  // Makes a stored revision current.
  void commit(RevisionRecord revision);

  // Records a node's acknowledgement; returns what to persist.
  NodeDirectoryResult record_ack(const std::string& node, const protocol::DirectoryAck& ack, WallTime now);

  [[nodiscard]] uint64_t revision() const { return current_ ? current_->info.revision : 0; }
  [[nodiscard]] const protocol::Directory* directory() const { return current_ ? &current_->model : nullptr; }
  [[nodiscard]] const NodeDirectoryResult* result_of(const std::string& node) const;

  // Convergence of `nodes` (every known node, sorted).
  [[nodiscard]] protocol::DirectoryStatusReply status(const std::vector<std::string>& nodes) const;

 private:
  std::optional<RevisionRecord> current_;
  std::map<uint64_t, protocol::RevisionInfo> infos_;
  std::map<std::string, NodeDirectoryResult> results_;
};

}  // namespace herd::controller
