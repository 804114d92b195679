#include "controller/enrolment.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::controller {
namespace {

const std::string kKeyA = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const std::string kKeyB = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const std::string kKeyC = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

struct EnrolmentTest : testing::Test {
  ManualClock clock;
  Enrolment enrolment{EnrolmentMode::pending};

  Admission attempt(const std::string& key) {
    return enrolment.admit_unknown(key, "10.0.0.7", clock.monotonic(), clock.wall());
  }
  // A new key connects and its first message claims `name`.
  void pend(const std::string& key, const std::string& name,
            const std::optional<std::string>& key_of_name = std::nullopt) {
    ASSERT_EQ(attempt(key).kind, Admission::claim);
    enrolment.claim(key, name, "10.0.0.7", key_of_name, clock.wall());
  }
};

TEST(EnrolmentOff, UnknownKeysAreRefusedAndNothingIsKept) {
  ManualClock clock;
  Enrolment e(EnrolmentMode::off);
  const Admission a = e.admit_unknown(kKeyA, "10.0.0.7", clock.monotonic(), clock.wall());
  EXPECT_EQ(a.kind, Admission::refuse);
  EXPECT_TRUE(a.log);
  EXPECT_TRUE(e.records().empty());
}

TEST_F(EnrolmentTest, ANewKeyIsAdmittedOnceToSayItsNameThenRefusedAndCounted) {
  const Admission first = attempt(kKeyA);
  EXPECT_EQ(first.kind, Admission::claim);
  EXPECT_TRUE(first.new_pending);
  // A second connection while the claim connection is open gets nothing.
  EXPECT_EQ(attempt(kKeyA).kind, Admission::refuse);
  enrolment.claim(kKeyA, "node07", "10.0.0.7", std::nullopt, clock.wall());
  clock.advance(1h);
  const Admission later = attempt(kKeyA);
  EXPECT_EQ(later.kind, Admission::refuse) << "a pending key with a name is never admitted again";
  EXPECT_FALSE(later.log) << "retries stay out of the log";
  const KeyRecord* r = enrolment.find(kKeyA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, KeyStatus::pending);
  EXPECT_EQ(r->name, "node07");
  EXPECT_EQ(r->attempts, 3u);
  EXPECT_EQ(r->last_seen - r->first_seen, 1h);
}

TEST_F(EnrolmentTest, ASilentClaimConnectionIsRetriedOnlyAFewTimes) {
  for (uint32_t i = 0; i < kMaxSilentClaims; ++i) {
    EXPECT_EQ(attempt(kKeyA).kind, Admission::claim) << i;
    EXPECT_EQ(attempt(kKeyA).kind, Admission::refuse) << i;
    clock.advance(kClaimWindow);
  }
  EXPECT_EQ(attempt(kKeyA).kind, Admission::refuse);
  clock.advance(1h);
  EXPECT_EQ(attempt(kKeyA).kind, Admission::refuse);
}

TEST_F(EnrolmentTest, OnlyTheFirstMessageOfAClaimConnectionCounts) {
  ASSERT_EQ(attempt(kKeyA).kind, Admission::claim);
  EXPECT_TRUE(enrolment.awaiting_claim(kKeyA));
  enrolment.claim(kKeyA, "node07", "10.0.0.7", std::nullopt, clock.wall());
  EXPECT_FALSE(enrolment.awaiting_claim(kKeyA));
  EXPECT_FALSE(enrolment.awaiting_claim(kKeyB));
}

TEST_F(EnrolmentTest, AClaimConnectionSendingGarbageCountsAsSilent) {
  for (uint32_t i = 0; i < kMaxSilentClaims; ++i) {
    ASSERT_EQ(attempt(kKeyA).kind, Admission::claim) << i;
    enrolment.claim_failed(kKeyA);
    EXPECT_FALSE(enrolment.awaiting_claim(kKeyA));
  }
  EXPECT_EQ(attempt(kKeyA).kind, Admission::refuse);
}

TEST_F(EnrolmentTest, UnnamedPendingKeysAreBounded) {
  for (std::size_t i = 0; i < kMaxUnnamedPending; ++i) {
    EXPECT_EQ(attempt(fmt::format("{:040}", i)).kind, Admission::claim);
  }
  const Admission full = attempt(kKeyA);
  EXPECT_EQ(full.kind, Admission::refuse);
  EXPECT_EQ(enrolment.find(kKeyA), nullptr);
}

TEST_F(EnrolmentTest, AcceptTakesThePendingKeyOfThatName) {
  pend(kKeyA, "node07");
  auto d = enrolment.prepare_accept("node07", "", std::nullopt);
  ASSERT_TRUE(d.ok()) << d.error.message;
  EXPECT_EQ(d.value->public_key, kKeyA);
  enrolment.accepted(kKeyA);
  EXPECT_EQ(enrolment.find(kKeyA), nullptr);
  const auto changes = enrolment.take_changes();
  EXPECT_EQ(changes.removed, std::vector<std::string>{kKeyA});
  EXPECT_TRUE(changes.saved.empty());
}

TEST_F(EnrolmentTest, NothingPendingForANameIsNotFound) {
  pend(kKeyA, "node07");
  auto d = enrolment.prepare_accept("node08", "", std::nullopt);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error.code, "not_found");
  EXPECT_EQ(d.error.message, "no key is pending for node \"node08\"");
  EXPECT_EQ(enrolment.reject("node08", "", "root", clock.wall()).error.code, "not_found");
}

TEST_F(EnrolmentTest, TwoKeysClaimingOneNameMustBeChosenByFingerprint) {
  pend(kKeyA, "node07");
  pend(kKeyB, "node07");
  auto ambiguous = enrolment.prepare_accept("node07", "", std::nullopt);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error.code, "conflict");
  EXPECT_NE(ambiguous.error.message.find(key_fingerprint(kKeyA)), std::string::npos);
  EXPECT_NE(ambiguous.error.message.find(key_fingerprint(kKeyB)), std::string::npos);
  auto chosen = enrolment.prepare_accept("node07", key_fingerprint(kKeyB), std::nullopt);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen.value->public_key, kKeyB);
}

TEST_F(EnrolmentTest, ANameEnrolledWithAnotherKeyIsNeverReplacedByAccept) {
  ASSERT_EQ(attempt(kKeyB).kind, Admission::claim);
  const auto claim = enrolment.claim(kKeyB, "node07", "10.0.0.9", kKeyA, clock.wall());
  EXPECT_TRUE(claim.conflict);
  auto d = enrolment.prepare_accept("node07", "", kKeyA);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error.code, "conflict");
  EXPECT_NE(d.error.message.find("herd keys revoke node07"), std::string::npos);
  // Still pending, still refused: after a revoke of the old key it can be accepted (rotation).
  EXPECT_EQ(attempt(kKeyB).kind, Admission::refuse);
  enrolment.revoke("node07", kKeyA, "uid 0 (root)", clock.wall());
  EXPECT_TRUE(enrolment.prepare_accept("node07", "", std::nullopt).ok());
}

TEST_F(EnrolmentTest, ARejectedKeyIsRefusedForGoodAndNeverPendingAgain) {
  pend(kKeyA, "node07");
  auto d = enrolment.reject("node07", "", "uid 0 (root)", clock.wall());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value->status, KeyStatus::rejected);
  for (int i = 0; i < 5; ++i) {
    clock.advance(1min);
    const Admission a = attempt(kKeyA);
    EXPECT_EQ(a.kind, Admission::refuse);
    EXPECT_FALSE(a.new_pending);
  }
  EXPECT_EQ(enrolment.find(kKeyA)->status, KeyStatus::rejected);
  EXPECT_EQ(enrolment.prepare_accept("node07", "", std::nullopt).error.code, "not_found");
}

TEST_F(EnrolmentTest, ARevokedKeyIsRefusedAndKeptWithWhoAndWhen) {
  const KeyRecord r = enrolment.revoke("node07", kKeyA, "uid 0 (root)", clock.wall());
  EXPECT_EQ(r.status, KeyStatus::revoked);
  EXPECT_EQ(r.decided_by, "uid 0 (root)");
  const Admission a = attempt(kKeyA);
  EXPECT_EQ(a.kind, Admission::refuse);
  EXPECT_NE(a.reason.find("revoked"), std::string::npos);
  EXPECT_EQ(enrolment.find(kKeyA)->status, KeyStatus::revoked);
}

TEST_F(EnrolmentTest, AClaimForAKeyRejectedMeanwhileChangesNothing) {
  ASSERT_EQ(attempt(kKeyA).kind, Admission::claim);
  enrolment.claim(kKeyA, "node07", "10.0.0.7", std::nullopt, clock.wall());
  ASSERT_TRUE(enrolment.reject("node07", "", "root", clock.wall()).ok());
  enrolment.claim(kKeyA, "node08", "10.0.0.7", std::nullopt, clock.wall());
  EXPECT_EQ(enrolment.find(kKeyA)->name, "node07");
}

TEST_F(EnrolmentTest, ChangesAreReportedOnceForTheStore) {
  pend(kKeyA, "node07");
  pend(kKeyC, "node09");
  auto changes = enrolment.take_changes();
  ASSERT_EQ(changes.saved.size(), 2u);
  EXPECT_TRUE(enrolment.take_changes().saved.empty());
  Enrolment restored(EnrolmentMode::pending);
  restored.restore(changes.saved);
  EXPECT_EQ(*restored.find(kKeyA), *enrolment.find(kKeyA));
  // A restored pending key with a name is refused and counted, not admitted.
  EXPECT_EQ(restored.admit_unknown(kKeyA, "x", clock.monotonic(), clock.wall()).kind, Admission::refuse);
}

TEST(KeyStatusText, RoundTrips) {
  for (KeyStatus s : {KeyStatus::pending, KeyStatus::rejected, KeyStatus::revoked}) {
    EXPECT_EQ(parse_key_status(key_status_text(s)), s);
  }
  EXPECT_FALSE(parse_key_status("enrolled").has_value());
}

}  // namespace
}  // namespace herd::controller
