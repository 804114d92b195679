// Maintenance in the store, on a real SQLite file: kept across reopening,
// written with its events in one transaction, and the upgrade of a
// database from before maintenance existed.

#include <gtest/gtest.h>

#include "controller/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

MaintenanceStep started(std::string node, std::string reason, std::optional<int64_t> until_ms = {}) {
  MaintenanceStep s;
  s.node = std::move(node);
  s.change = MaintenanceChange::started;
  s.after = Maintenance{std::move(reason), "uid 0 (root)", 1'700'000'000'000, until_ms};
  return s;
}

EventRecord event(std::string node, std::string kind) {
  return {from_unix_ms(1'700'000'000'000), std::move(node), std::move(kind), "detail", "uid 0 (root)", "why"};
}

TEST(MaintenanceStore, MaintenanceAndItsEventsSurviveReopening) {
  test::TempDir dir;
  {
    auto store = Store::open(dir / "state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store->append_event(WallTime{}, "", "controller_start", "pending before");
    ASSERT_TRUE(store
                    ->store_maintenance({started("n1", "kernel update", 1'700'000'060'000), started("n2", "disk")},
                                        {event("n1", "maintenance_on"), event("n2", "maintenance_on")})
                    .ok());
    EXPECT_FALSE(store->has_pending());  // what was pending went first, in order
  }
  auto store = Store::open(dir / "state.db");
  auto rows = store->load_maintenance();
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].first, "n1");
  EXPECT_EQ((*rows)[0].second.reason, "kernel update");
  EXPECT_EQ((*rows)[0].second.by, "uid 0 (root)");
  EXPECT_EQ((*rows)[0].second.since_ms, 1'700'000'000'000);
  EXPECT_EQ((*rows)[0].second.until_ms, 1'700'000'060'000);
  EXPECT_FALSE((*rows)[1].second.until_ms.has_value());
  auto events = store->events({});
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].kind, "controller_start");
  EXPECT_FALSE((*events)[0].by.has_value());
  EXPECT_EQ((*events)[1].kind, "maintenance_on");
  EXPECT_EQ((*events)[1].by, "uid 0 (root)");
  EXPECT_EQ((*events)[1].reason, "why");
}

TEST(MaintenanceStore, EndingDeletesTheRowAndUnchangedStepsWriteNothing) {
  test::TempDir dir;
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(store->store_maintenance({started("n1", "a"), started("n2", "b")}, {}).ok());
  MaintenanceStep ended;
  ended.node = "n1";
  ended.change = MaintenanceChange::ended;
  ended.before = Maintenance{"a", "uid 0 (root)", 1, {}};
  MaintenanceStep unchanged;
  unchanged.node = "n2";
  unchanged.change = MaintenanceChange::unchanged;  // `after` empty, but the row must stay
  ASSERT_TRUE(store->store_maintenance({ended, unchanged}, {event("n1", "maintenance_off")}).ok());
  auto rows = store->load_maintenance();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].first, "n2");
  EXPECT_EQ(store->events({})->size(), 1u);
}

TEST(MaintenanceStore, UpgradesAVersionTwoDatabaseKeepingItsEvents) {
  test::TempDir dir;
  {
    auto store = Store::open(dir / "state.db");
    store->append_event(WallTime{}, "n1", "node_up", "first contact");
    ASSERT_TRUE(store->flush().ok());
  }
  {
    // Back to what a version 2 controller left: no key records, no maintenance table, no actor/reason columns.
    auto db = Database::open(dir / "state.db");
    ASSERT_TRUE(db->exec("DROP TABLE maintenance; DROP TABLE key_records; ALTER TABLE events DROP COLUMN actor;"
                         " ALTER TABLE events DROP COLUMN reason; PRAGMA user_version = 2;")
                    .ok());
  }
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto events = store->events({});
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].detail, "first contact");
  EXPECT_FALSE((*events)[0].by.has_value());
  EXPECT_TRUE(store->load_maintenance().ok());
}

TEST(MaintenanceStore, AFailedWriteLeavesNothingHalfDone) {
  test::TempDir dir;
  auto store = Store::open(dir / "state.db");
  {
    auto db = Database::open(dir / "state.db");
    // Events can no longer be written: the maintenance rows of the same call must not be either.
    ASSERT_TRUE(db->exec("CREATE TRIGGER no_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'full'); END;")
                    .ok());
  }
  EXPECT_FALSE(store->store_maintenance({started("n1", "a")}, {event("n1", "maintenance_on")}).ok());
  EXPECT_TRUE(store->load_maintenance()->empty());
}

}  // namespace
}  // namespace herd::controller
