#include "controller/store.hpp"

#include <algorithm>

#include "protocol/record_blob.hpp"

namespace herd::controller {
namespace {

constexpr int kSchemaVersion = 4;

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE nodes (
  name          TEXT PRIMARY KEY,
  state         TEXT NOT NULL,
  since_ms      INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  hostname      TEXT NOT NULL DEFAULT '',
  agent_version TEXT NOT NULL DEFAULT ''
);
CREATE TABLE events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  node    TEXT NOT NULL DEFAULT '',
  kind    TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_node ON events(node, id);
CREATE INDEX events_by_time ON events(time_ms);
)sql";

// Version 2: directory revisions and what each node did with them.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE directory_revisions (
  revision   INTEGER PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  author     TEXT NOT NULL,
  source     TEXT NOT NULL,
  users      INTEGER NOT NULL,
  groups     INTEGER NOT NULL,
  text       TEXT NOT NULL,
  model      BLOB NOT NULL
);
CREATE TABLE directory_results (
  node             TEXT PRIMARY KEY,
  result_revision  INTEGER NOT NULL,
  applied_revision INTEGER,
  result_ms        INTEGER NOT NULL,
  result           BLOB NOT NULL
);
)sql";

// Version 3: agent keys that are not (or no longer) enrolled: pending,
// rejected, revoked. Enrolled keys stay files in keys_dir.
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE key_records (
  public_key    TEXT PRIMARY KEY,
  status        TEXT NOT NULL,
  name          TEXT NOT NULL DEFAULT '',
  address       TEXT NOT NULL DEFAULT '',
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  decided_ms    INTEGER NOT NULL DEFAULT 0,
  decided_by    TEXT NOT NULL DEFAULT ''
);
)sql";

// Version 4: maintenance per node (a row while the node is in
// maintenance), and who caused an event and why.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE maintenance (
  node     TEXT PRIMARY KEY,
  reason   TEXT NOT NULL,
  set_by   TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  until_ms INTEGER
);
ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
)sql";

std::string_view state_text(NodeState s) { return s == NodeState::up ? "up" : "down"; }

}  // namespace

Result<Store> Store::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return std::move(db).error();
  // WAL: readers (event queries) never block the writer; FULL: a committed
  // event survives power loss, at one fsync per batch.
  if (auto s = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !s) {
    return std::move(s).error();
  }
  Store store(std::move(*db));
  if (auto s = store.migrate(); !s) return std::move(s).error();
  return store;
}

Status Store::migrate() {
  auto version_stmt = db_.prepare("PRAGMA user_version");
  if (!version_stmt) return std::move(version_stmt).error();
  auto row = version_stmt->step();
  if (!row) return std::move(row).error();
  const int64_t version = *row ? version_stmt->column_int(0) : 0;
  if (version == kSchemaVersion) return {};
  if (version > kSchemaVersion) {
    return fail("database {} has schema version {}, newer than this controller's {}; refusing to touch it",
                db_.path(), version, kSchemaVersion);
  }
  // Each step brings the schema from one version to the next, all in one
  // transaction: an old database is upgraded in place or not at all.
  if (auto s = db_.exec("BEGIN"); !s) return s;
  const std::string_view steps[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4};
  for (int64_t v = version; v < kSchemaVersion; ++v) {
    if (auto s = db_.exec(steps[v]); !s) {
      (void)db_.exec("ROLLBACK");
      return s;
    }
  }
  if (auto s = db_.exec(fmt::format("PRAGMA user_version = {}; COMMIT", kSchemaVersion)); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
  }
  return {};
}

Result<std::vector<PersistedNode>> Store::load_nodes() {
  auto stmt = db_.prepare("SELECT name, state, since_ms, last_seen_ms, hostname, agent_version FROM nodes");
  if (!stmt) return std::move(stmt).error();
  std::vector<PersistedNode> nodes;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    PersistedNode n;
    n.name = stmt->column_text(0);
    n.state = stmt->column_text(1) == "up" ? NodeState::up : NodeState::down;
    n.since = from_unix_ms(stmt->column_int(2));
    n.last_seen = from_unix_ms(stmt->column_int(3));
    n.hostname = stmt->column_text(4);
    n.agent_version = stmt->column_text(5);
    nodes.push_back(std::move(n));
  }
  return nodes;
}

Result<std::vector<protocol::Event>> Store::events(const EventFilter& filter) {
  // The newest `limit` matching events, returned oldest first.
  auto stmt = db_.prepare(
      "SELECT id, time_ms, node, kind, detail, actor, reason FROM ("
      " SELECT * FROM events WHERE (?1 IS NULL OR node = ?1) AND (?2 IS NULL OR time_ms >= ?2)"
      " ORDER BY id DESC LIMIT ?3) ORDER BY id ASC");
  if (!stmt) return std::move(stmt).error();
  if (filter.node) {
    stmt->bind(1, *filter.node);
  } else {
    stmt->bind_null(1);
  }
  if (filter.since) {
    stmt->bind(2, to_unix_ms(*filter.since));
  } else {
    stmt->bind_null(2);
  }
  stmt->bind(3, static_cast<int64_t>(filter.limit));
  std::vector<protocol::Event> events;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    protocol::Event e;
    e.id = static_cast<uint64_t>(stmt->column_int(0));
    e.time_ms = stmt->column_int(1);
    e.node = stmt->column_text(2);
    e.kind = stmt->column_text(3);
    e.detail = stmt->column_text(4);
    if (auto by = stmt->column_text(5); !by.empty()) e.by = std::move(by);
    if (auto reason = stmt->column_text(6); !reason.empty()) e.reason = std::move(reason);
    events.push_back(std::move(e));
  }
  return events;
}

Status Store::store_revision(const RevisionRecord& revision) {
  if (auto s = flush(); !s) return s;
  auto insert = db_.prepare(
      "INSERT INTO directory_revisions (revision, created_ms, author, source, users, groups, text, model)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return std::move(insert).error();
  const auto& i = revision.info;
  insert->bind(1, static_cast<int64_t>(i.revision))
      .bind(2, i.created_ms)
      .bind(3, i.author)
      .bind(4, i.source)
      .bind(5, static_cast<int64_t>(i.users))
      .bind(6, static_cast<int64_t>(i.groups))
      .bind(7, revision.text)
      .bind_blob(8, protocol::encode_record(revision.model));
  return insert->run();  // autocommit: one transaction, durable (synchronous=FULL)
}

namespace {
protocol::RevisionInfo read_info(const Statement& s) {
  protocol::RevisionInfo i;
  i.revision = static_cast<uint64_t>(s.column_int(0));
  i.created_ms = s.column_int(1);
  i.author = s.column_text(2);
  i.source = s.column_text(3);
  i.users = static_cast<uint32_t>(s.column_int(4));
  i.groups = static_cast<uint32_t>(s.column_int(5));
  return i;
}
}  // namespace

Result<std::optional<RevisionRecord>> Store::load_current_revision() {
  auto stmt = db_.prepare(
      "SELECT revision, created_ms, author, source, users, groups, text, model FROM directory_revisions"
      " ORDER BY revision DESC LIMIT 1");
  if (!stmt) return std::move(stmt).error();
  auto row = stmt->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<RevisionRecord>{};
  RevisionRecord r;
  r.info = read_info(*stmt);
  r.text = stmt->column_text(6);
  auto model = protocol::decode_record<protocol::Directory>(stmt->column_blob(7));
  if (!model) return context(std::move(model).error(), "database {}: revision {}", db_.path(), r.info.revision);
  r.model = std::move(*model);
  return std::optional<RevisionRecord>{std::move(r)};
}

Result<std::vector<protocol::RevisionInfo>> Store::load_revision_infos() {
  auto stmt = db_.prepare(
      "SELECT revision, created_ms, author, source, users, groups FROM directory_revisions ORDER BY revision");
  if (!stmt) return std::move(stmt).error();
  std::vector<protocol::RevisionInfo> infos;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    infos.push_back(read_info(*stmt));
  }
  return infos;
}

void Store::save_directory_result(const NodeDirectoryResult& result) { pending_results_.push_back(result); }

Result<std::vector<NodeDirectoryResult>> Store::load_directory_results() {
  auto stmt = db_.prepare(
      "SELECT node, result_revision, applied_revision, result_ms, result FROM directory_results");
  if (!stmt) return std::move(stmt).error();
  std::vector<NodeDirectoryResult> results;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    NodeDirectoryResult r;
    r.node = stmt->column_text(0);
    r.result_revision = static_cast<uint64_t>(stmt->column_int(1));
    if (!stmt->column_is_null(2)) r.applied_revision = static_cast<uint64_t>(stmt->column_int(2));
    r.result_ms = stmt->column_int(3);
    auto result = protocol::decode_record<protocol::DirectoryApplyResult>(stmt->column_blob(4));
    if (!result) return context(std::move(result).error(), "database {}: result of {}", db_.path(), r.node);
    r.result = std::move(*result);
    results.push_back(std::move(r));
  }
  return results;
}

void Store::save_node(const PersistedNode& node) { pending_nodes_.push_back(node); }

Result<std::vector<KeyRecord>> Store::load_key_records() {
  auto stmt = db_.prepare(
      "SELECT public_key, status, name, address, first_seen_ms, last_seen_ms, attempts, decided_ms, decided_by"
      " FROM key_records ORDER BY public_key");
  if (!stmt) return std::move(stmt).error();
  std::vector<KeyRecord> records;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    KeyRecord r;
    r.public_key = stmt->column_text(0);
    const auto status = parse_key_status(stmt->column_text(1));
    if (!status) {
      return fail("database {}: key record {} has unknown status \"{}\"", db_.path(), key_fingerprint(r.public_key),
                  stmt->column_text(1));
    }
    r.status = *status;
    r.name = stmt->column_text(2);
    r.address = stmt->column_text(3);
    r.first_seen = from_unix_ms(stmt->column_int(4));
    r.last_seen = from_unix_ms(stmt->column_int(5));
    r.attempts = static_cast<uint64_t>(stmt->column_int(6));
    r.decided_at = from_unix_ms(stmt->column_int(7));
    r.decided_by = stmt->column_text(8);
    records.push_back(std::move(r));
  }
  return records;
}

void Store::save_key_record(const KeyRecord& record) { pending_keys_.push_back({record, false}); }

void Store::remove_key_record(const std::string& public_key) {
  KeyRecord r;
  r.public_key = public_key;
  pending_keys_.push_back({std::move(r), true});
}

void Store::append_event(WallTime at, std::string node, std::string kind, std::string detail) {
  pending_events_.push_back({at, std::move(node), std::move(kind), std::move(detail), {}, {}});
}

void Store::append_event(EventRecord event) { pending_events_.push_back(std::move(event)); }

Status Store::insert_events(const std::vector<EventRecord>& events) {
  auto insert =
      db_.prepare("INSERT INTO events (time_ms, node, kind, detail, actor, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return std::move(insert).error();
  for (const EventRecord& e : events) {
    insert->bind(1, to_unix_ms(e.at)).bind(2, e.node).bind(3, e.kind).bind(4, e.detail).bind(5, e.by).bind(6, e.reason);
    if (auto s = insert->run(); !s) return s;
  }
  return {};
}

Status Store::store_maintenance(const std::vector<MaintenanceStep>& steps, const std::vector<EventRecord>& events) {
  if (auto s = flush(); !s) return s;
  auto upsert = db_.prepare(
      "INSERT OR REPLACE INTO maintenance (node, reason, set_by, since_ms, until_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!upsert) return std::move(upsert).error();
  auto remove = db_.prepare("DELETE FROM maintenance WHERE node = ?1");
  if (!remove) return std::move(remove).error();
  if (auto s = db_.exec("BEGIN IMMEDIATE"); !s) return s;
  const auto abort = [&](Error e) -> Status {
    (void)db_.exec("ROLLBACK");
    return e;
  };
  for (const MaintenanceStep& step : steps) {
    if (step.change == MaintenanceChange::unchanged) continue;
    if (step.after) {
      const Maintenance& m = *step.after;
      upsert->bind(1, step.node).bind(2, m.reason).bind(3, m.by).bind(4, m.since_ms);
      if (m.until_ms) {
        upsert->bind(5, *m.until_ms);
      } else {
        upsert->bind_null(5);
      }
      if (auto s = upsert->run(); !s) return abort(std::move(s).error());
    } else {
      remove->bind(1, step.node);
      if (auto s = remove->run(); !s) return abort(std::move(s).error());
    }
  }
  if (auto s = insert_events(events); !s) return abort(std::move(s).error());
  if (auto s = db_.exec("COMMIT"); !s) return abort(std::move(s).error());
  return {};
}

Result<std::vector<std::pair<std::string, Maintenance>>> Store::load_maintenance() {
  auto stmt = db_.prepare("SELECT node, reason, set_by, since_ms, until_ms FROM maintenance ORDER BY node");
  if (!stmt) return std::move(stmt).error();
  std::vector<std::pair<std::string, Maintenance>> rows;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    Maintenance m;
    m.reason = stmt->column_text(1);
    m.by = stmt->column_text(2);
    m.since_ms = stmt->column_int(3);
    if (!stmt->column_is_null(4)) m.until_ms = stmt->column_int(4);
    rows.emplace_back(stmt->column_text(0), std::move(m));
  }
  return rows;
}

Status Store::flush() {
  if (!has_pending()) return {};
  auto upsert = db_.prepare(
      "INSERT INTO nodes (name, state, since_ms, last_seen_ms, hostname, agent_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT(name) DO UPDATE SET state = excluded.state, since_ms = excluded.since_ms,"
      " last_seen_ms = excluded.last_seen_ms,"
      " hostname = CASE WHEN excluded.hostname = '' THEN hostname ELSE excluded.hostname END,"
      " agent_version = CASE WHEN excluded.agent_version = '' THEN agent_version ELSE excluded.agent_version END");
  if (!upsert) return std::move(upsert).error();
  auto result = db_.prepare(
      "INSERT OR REPLACE INTO directory_results (node, result_revision, applied_revision, result_ms, result)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!result) return std::move(result).error();
  auto key_upsert = db_.prepare(
      "INSERT OR REPLACE INTO key_records (public_key, status, name, address, first_seen_ms, last_seen_ms, attempts,"
      " decided_ms, decided_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!key_upsert) return std::move(key_upsert).error();
  auto key_delete = db_.prepare("DELETE FROM key_records WHERE public_key = ?1");
  if (!key_delete) return std::move(key_delete).error();

  if (auto s = db_.exec("BEGIN IMMEDIATE"); !s) return s;
  const auto abort = [&](Error e) -> Status {
    (void)db_.exec("ROLLBACK");
    return e;  // pending writes are kept and retried by the next flush
  };
  for (const PersistedNode& n : pending_nodes_) {
    upsert->bind(1, n.name)
        .bind(2, state_text(n.state))
        .bind(3, to_unix_ms(n.since))
        .bind(4, to_unix_ms(n.last_seen))
        .bind(5, n.hostname)
        .bind(6, n.agent_version);
    if (auto s = upsert->run(); !s) return abort(std::move(s).error());
  }
  if (auto s = insert_events(pending_events_); !s) return abort(std::move(s).error());
  for (const NodeDirectoryResult& r : pending_results_) {
    result->bind(1, r.node).bind(2, static_cast<int64_t>(r.result_revision)).bind(4, r.result_ms);
    if (r.applied_revision) {
      result->bind(3, static_cast<int64_t>(*r.applied_revision));
    } else {
      result->bind_null(3);
    }
    result->bind_blob(5, protocol::encode_record(r.result));
    if (auto s = result->run(); !s) return abort(std::move(s).error());
  }
  for (const PendingKey& k : pending_keys_) {
    const KeyRecord& r = k.record;
    if (k.remove) {
      key_delete->bind(1, r.public_key);
      if (auto s = key_delete->run(); !s) return abort(std::move(s).error());
      continue;
    }
    key_upsert->bind(1, r.public_key)
        .bind(2, key_status_text(r.status))
        .bind(3, r.name)
        .bind(4, r.address)
        .bind(5, to_unix_ms(r.first_seen))
        .bind(6, to_unix_ms(r.last_seen))
        .bind(7, static_cast<int64_t>(r.attempts))
        .bind(8, to_unix_ms(r.decided_at))
        .bind(9, r.decided_by);
    if (auto s = key_upsert->run(); !s) return abort(std::move(s).error());
  }
  if (auto s = db_.exec("COMMIT"); !s) return abort(std::move(s).error());
  pending_keys_.clear();
  pending_nodes_.clear();
  pending_events_.clear();
  pending_results_.clear();
  return {};
}

}  // namespace herd::controller
