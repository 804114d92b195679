#pragma once
// The controller's durable state in SQLite: the node registry and the event
// log (later also directory revisions, apply results, maintenance, keys).
// Writes are buffered and committed together by flush(), one transaction per
// batch, so a restart storm of thousands of "node up" events costs a few
// commits rather than thousands. The controller flushes before its event
// loop waits, so nothing it has acted on is lost to a crash.

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "controller/directory_state.hpp"
#include "controller/enrolment.hpp"
#include "controller/event_record.hpp"
#include "controller/maintenance.hpp"
#include "controller/node_table.hpp"
#include "controller/sqlite.hpp"
#include "protocol/messages.hpp"

namespace herd::controller {

struct EventFilter {
  std::optional<std::string> node;
  std::optional<WallTime> since;
  uint32_t limit = 1000;
};

class Store {
 public:
  // Opens or creates the database at `path` and brings its schema up to date.
  [[nodiscard]] static Result<Store> open(const std::string& path);

  [[nodiscard]] Result<std::vector<PersistedNode>> load_nodes();
  [[nodiscard]] Result<std::vector<protocol::Event>> events(const EventFilter& filter);

  // A directory revision is committed at once, in its own transaction
  // (after whatever else is pending): it must be durable before it is
  // published.
  [[nodiscard]] Status store_revision(const RevisionRecord& revision);
  [[nodiscard]] Result<std::optional<RevisionRecord>> load_current_revision();
  [[nodiscard]] Result<std::vector<protocol::RevisionInfo>> load_revision_infos();
  void save_directory_result(const NodeDirectoryResult& result);
  [[nodiscard]] Result<std::vector<NodeDirectoryResult>> load_directory_results();

  // Pending, rejected and revoked keys (enrolled ones are files in keys_dir).
  [[nodiscard]] Result<std::vector<KeyRecord>> load_key_records();
  void save_key_record(const KeyRecord& record);
  void remove_key_record(const std::string& public_key);
  // Maintenance changes and their events are committed at once, in one
  // transaction (after whatever else is pending): an admin is told "done"
  // only for what a restart keeps. Steps with `after` upsert the node's
  // row, the others delete it.
  [[nodiscard]] Status store_maintenance(const std::vector<MaintenanceStep>& steps,
                                         const std::vector<EventRecord>& events);
  [[nodiscard]] Result<std::vector<std::pair<std::string, Maintenance>>> load_maintenance();

  void save_node(const PersistedNode& node);
  void append_event(WallTime at, std::string node, std::string kind, std::string detail);
  void append_event(EventRecord event);
  [[nodiscard]] bool has_pending() const {
    return !pending_nodes_.empty() || !pending_events_.empty() || !pending_results_.empty() ||
           !pending_keys_.empty();
  }
  [[nodiscard]] Status flush();

 private:
  explicit Store(Database db) : db_(std::move(db)) {}
  [[nodiscard]] Status migrate();

  struct PendingKey {
    KeyRecord record;
    bool remove = false;
  };
  [[nodiscard]] Status insert_events(const std::vector<EventRecord>& events);

  Database db_;
  std::vector<PendingKey> pending_keys_;
  std::vector<PersistedNode> pending_nodes_;
  std::vector<EventRecord> pending_events_;
  std::vector<NodeDirectoryResult> pending_results_;
};

}  // namespace herd::controller
