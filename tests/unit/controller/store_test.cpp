// The store on a real SQLite file in a temporary directory.

#include "controller/store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

TEST(Store, NodesAndEventsSurviveReopening) {
  test::TempDir dir;
  const WallTime t0 = from_unix_ms(1'700'000'000'000);
  {
    auto store = Store::open(dir / "state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store->save_node({"n1", NodeState::up, t0, t0 + 5s, "host1", "0.1.0"});
    store->append_event(t0, "n1", "node_up", "first contact");
    store->append_event(t0 + 1s, "", "controller_stop", "bye");
    EXPECT_TRUE(store->has_pending());
    ASSERT_TRUE(store->flush().ok());
    EXPECT_FALSE(store->has_pending());
  }
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(store.ok());
  auto nodes = store->load_nodes();
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].name, "n1");
  EXPECT_EQ((*nodes)[0].state, NodeState::up);
  EXPECT_EQ((*nodes)[0].last_seen, t0 + 5s);
  EXPECT_EQ((*nodes)[0].hostname, "host1");
  auto events = store->events({});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "node_up");
  EXPECT_EQ((*events)[0].time_ms, to_unix_ms(t0));
  EXPECT_EQ((*events)[1].kind, "controller_stop");
  EXPECT_LT((*events)[0].id, (*events)[1].id);
}

TEST(Store, UnflushedWritesAreNotVisible) {
  test::TempDir dir;
  {
    auto store = Store::open(dir / "state.db");
    store->append_event(WallTime{}, "n1", "node_up", "");
    // destroyed without flush: nothing was committed
  }
  auto store = Store::open(dir / "state.db");
  EXPECT_TRUE(store->events({})->empty());
}

TEST(Store, UpdatingANodeKeepsItsHelloFieldsWhenNotGiven) {
  test::TempDir dir;
  auto store = Store::open(dir / "state.db");
  store->save_node({"n1", NodeState::up, WallTime{}, WallTime{}, "host1", "0.1.0"});
  store->save_node({"n1", NodeState::down, WallTime{} + 1s, WallTime{}, "", ""});
  ASSERT_TRUE(store->flush().ok());
  auto nodes = store->load_nodes();
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].state, NodeState::down);
  EXPECT_EQ((*nodes)[0].hostname, "host1");
}

TEST(Store, EventsFilterByNodeTimeAndKeepTheNewest) {
  test::TempDir dir;
  auto store = Store::open(dir / "state.db");
  for (int i = 0; i < 10; ++i) {
    store->append_event(from_unix_ms(1000 * i), i % 2 ? "odd" : "even", "node_up", std::to_string(i));
  }
  ASSERT_TRUE(store->flush().ok());
  EventFilter by_node;
  by_node.node = "odd";
  EXPECT_EQ(store->events(by_node)->size(), 5u);
  EventFilter since;
  since.since = from_unix_ms(7000);
  EXPECT_EQ(store->events(since)->size(), 3u);
  EventFilter newest;
  newest.limit = 2;
  auto last_two = store->events(newest);
  ASSERT_EQ(last_two->size(), 2u);
  EXPECT_EQ((*last_two)[0].detail, "8");  // oldest first
  EXPECT_EQ((*last_two)[1].detail, "9");
}

TEST(Store, DirectoryRevisionsAndResultsSurviveReopening) {
  test::TempDir dir;
  {
    auto store = Store::open(dir / "state.db");
    ASSERT_TRUE(store.ok());
    EXPECT_FALSE(store->load_current_revision()->has_value());
    for (uint64_t r : {1u, 2u}) {
      RevisionRecord rec;
      rec.info = {r, 1000 * static_cast<int64_t>(r), "uid 0 (root)", "d.yaml", 1, 1, 0};
      rec.text = "text " + std::to_string(r);
      rec.model.users.resize(r);
      rec.model.users[0].name = "alice";
      ASSERT_TRUE(store->store_revision(rec).ok());
    }
    NodeDirectoryResult result;
    result.node = "n1";
    result.result_revision = 2;
    result.result_ms = 5;
    result.result.applied = false;
    result.result.errors = {"collision"};
    store->save_directory_result(result);
    ASSERT_TRUE(store->flush().ok());
  }
  auto store = Store::open(dir / "state.db");
  auto current = store->load_current_revision();
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->info.revision, 2u);
  EXPECT_EQ((*current)->text, "text 2");
  EXPECT_EQ((*current)->model.users.size(), 2u);
  EXPECT_EQ((*current)->model.users[0].name, "alice");
  EXPECT_EQ(store->load_revision_infos()->size(), 2u);
  auto results = store->load_directory_results();
  ASSERT_EQ(results->size(), 1u);
  EXPECT_FALSE((*results)[0].applied_revision.has_value());
  EXPECT_EQ((*results)[0].result.errors, std::vector<std::string>{"collision"});
}

TEST(Store, UpgradesAVersionOneDatabaseInPlace) {
  test::TempDir dir;
  {
    auto db = Database::open(dir / "state.db");
    ASSERT_TRUE(db->exec("CREATE TABLE nodes (name TEXT PRIMARY KEY, state TEXT NOT NULL, since_ms INTEGER NOT NULL,"
                         " last_seen_ms INTEGER NOT NULL, hostname TEXT NOT NULL DEFAULT '',"
                         " agent_version TEXT NOT NULL DEFAULT '');"
                         "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL,"
                         " node TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');"
                         "INSERT INTO nodes VALUES ('old', 'down', 1, 1, '', '');"
                         "PRAGMA user_version = 1;")
                    .ok());
  }
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store->load_nodes()->size(), 1u);  // kept
  EXPECT_TRUE(store->load_revision_infos().ok());  // new tables exist
  EXPECT_TRUE(store->load_key_records().ok());
}

TEST(Store, KeyRecordsSurviveReopeningAndCanBeRemoved) {
  test::TempDir dir;
  KeyRecord pending;
  pending.public_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  pending.name = "node07";
  pending.address = "10.0.0.7";
  pending.first_seen = from_unix_ms(1'700'000'000'000);
  pending.last_seen = from_unix_ms(1'700'000'060'000);
  pending.attempts = 12;
  KeyRecord revoked = pending;
  revoked.public_key = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  revoked.status = KeyStatus::revoked;
  revoked.decided_at = from_unix_ms(1'700'000'090'000);
  revoked.decided_by = "uid 0 (root)";
  {
    auto store = Store::open(dir / "state.db");
    ASSERT_TRUE(store.ok());
    store->save_key_record(pending);
    store->save_key_record(revoked);
    ASSERT_TRUE(store->flush().ok());
  }
  {
    auto store = Store::open(dir / "state.db");
    auto records = store->load_key_records();
    ASSERT_TRUE(records.ok()) << records.error().message;
    ASSERT_EQ(records->size(), 2u);
    EXPECT_EQ((*records)[0], pending);
    EXPECT_EQ((*records)[1], revoked);
    store->remove_key_record(pending.public_key);
    ASSERT_TRUE(store->flush().ok());
  }
  auto store = Store::open(dir / "state.db");
  auto records = store->load_key_records();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].status, KeyStatus::revoked);
}

TEST(Store, RefusesADatabaseFromANewerController) {
  test::TempDir dir;
  { ASSERT_TRUE(Store::open(dir / "state.db").ok()); }
  {
    auto db = Database::open(dir / "state.db");
    ASSERT_TRUE(db->exec("PRAGMA user_version = 99").ok());
  }
  auto store = Store::open(dir / "state.db");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error().message, testing::HasSubstr("schema version 99, newer than this controller's 4"));
}

TEST(Store, RefusesAFileThatIsNotADatabase) {
  test::TempDir dir;
  {
    FILE* f = std::fopen((dir / "junk.db").c_str(), "w");
    std::fputs("this is not sqlite, just text that is long enough to have a header............", f);
    std::fclose(f);
  }
  auto store = Store::open(dir / "junk.db");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error().message, testing::HasSubstr("junk.db"));
}

TEST(Store, ReportsADirectoryThatDoesNotExist) {
  auto store = Store::open("/nonexistent/dir/state.db");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error().message, testing::HasSubstr("/nonexistent/dir/state.db"));
}

}  // namespace
}  // namespace herd::controller
