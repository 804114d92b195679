#include "agent/local_answer.hpp"

#include <gtest/gtest.h>

namespace herd::agent {
namespace {

std::string query_frame(const auto& body) {
  protocol::Envelope e;
  e.sender = "herd-cli";
  return protocol::encode_frame(e, body);
}

template <typename Reply>
Reply answer_as(const std::string& query, const reports::Caller& caller, const OwnNode& node,
                std::string* error_code = nullptr) {
  auto frame = protocol::decode_frame(query);
  EXPECT_TRUE(frame.ok());
  auto reply = protocol::decode_frame(local_answer(*frame, caller, node, "controller unreachable", {}));
  EXPECT_TRUE(reply.ok());
  if (reply->envelope.type == "error") {
    if (error_code) *error_code = protocol::decode_body<protocol::ErrorReply>(*reply)->code;
    return {};
  }
  EXPECT_EQ(reply->envelope.type, Reply::kName);
  return *protocol::decode_body<Reply>(*reply);
}

struct LocalAnswerTest : testing::Test {
  LocalAnswerTest() {
    node.status.name = "n1";
    node.status.state = protocol::NodeState::up;
    report.quota_filesystems.push_back({"scratch", "xfs", "/scratch", "/dev/sdb", "xfs:/dev/sdb:1", false});
    for (uint32_t uid : {1001u, 1002u}) {
      protocol::UserQuota q;
      q.filesystem = "scratch";
      q.uid = uid;
      report.quotas.push_back(q);
    }
    node.report = &report;
  }
  protocol::NodeReport report;
  OwnNode node;
};

TEST_F(LocalAnswerTest, StatusIsThisNodeWithTheNotice) {
  auto r = answer_as<protocol::StatusReply>(query_frame(protocol::StatusQuery{}), {1001, false}, node);
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_EQ(r.nodes[0].name, "n1");
  EXPECT_EQ(r.summary.total, 1u);
  EXPECT_EQ(r.notice, "controller unreachable");
}

TEST_F(LocalAnswerTest, QuotaIsTheCallersOwnFromThisNode) {
  auto r = answer_as<protocol::QuotaReply>(query_frame(protocol::QuotaQuery{}), {1002, false}, node);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].quota.uid, 1002u);
  EXPECT_EQ(r.rows[0].node, "n1");
}

TEST_F(LocalAnswerTest, AnotherUsersQuotaIsRefusedHereToo) {
  protocol::QuotaQuery q;
  q.uid = 1002;
  std::string code;
  answer_as<protocol::QuotaReply>(query_frame(q), {1001, false}, node, &code);
  EXPECT_EQ(code, "forbidden");
}

TEST_F(LocalAnswerTest, OtherNodesAndTheEventLogAreUnavailable) {
  protocol::NodeQuery other;
  other.node = "n2";
  std::string code;
  answer_as<protocol::NodeReply>(query_frame(other), {1001, false}, node, &code);
  EXPECT_EQ(code, "unavailable");
  code.clear();
  answer_as<protocol::EventsReply>(query_frame(protocol::EventsQuery{}), {1001, false}, node, &code);
  EXPECT_EQ(code, "unavailable");
}

TEST_F(LocalAnswerTest, NodeShowOfThisNodeFiltersRows) {
  protocol::NodeQuery own;
  own.node = "n1";
  auto r = answer_as<protocol::NodeReply>(query_frame(own), {1001, false}, node);
  ASSERT_TRUE(r.report.has_value());
  ASSERT_EQ(r.report->quotas.size(), 1u);
  EXPECT_EQ(r.report->quotas[0].uid, 1001u);
}

TEST(UserQueries, OnlyQueriesAreAccepted) {
  EXPECT_TRUE(is_user_query("status_query"));
  EXPECT_TRUE(is_user_query("quota_query"));
  EXPECT_FALSE(is_user_query("heartbeat"));
  EXPECT_FALSE(is_user_query("proxy_query"));
  EXPECT_FALSE(is_user_query("report"));
}

}  // namespace
}  // namespace herd::agent
