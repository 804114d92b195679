#include "controller/store.hpp"

#include <algorithm>

namespace herd::controller {
namespace {

constexpr int kSchemaVersion = 1;

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
  // version 0: a new database.
  if (auto s = db_.exec("BEGIN"); !s) return s;
  if (auto s = db_.exec(kSchemaV1); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
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
      "SELECT id, time_ms, node, kind, detail FROM ("
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
    events.push_back(std::move(e));
  }
  return events;
}

void Store::save_node(const PersistedNode& node) { pending_nodes_.push_back(node); }

void Store::append_event(WallTime at, std::string node, std::string kind, std::string detail) {
  pending_events_.push_back({to_unix_ms(at), std::move(node), std::move(kind), std::move(detail)});
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
  auto insert = db_.prepare("INSERT INTO events (time_ms, node, kind, detail) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return std::move(insert).error();

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
  for (const PendingEvent& e : pending_events_) {
    insert->bind(1, e.time_ms).bind(2, e.node).bind(3, e.kind).bind(4, e.detail);
    if (auto s = insert->run(); !s) return abort(std::move(s).error());
  }
  if (auto s = db_.exec("COMMIT"); !s) return abort(std::move(s).error());
  pending_nodes_.clear();
  pending_events_.clear();
  return {};
}

}  // namespace herd::controller
