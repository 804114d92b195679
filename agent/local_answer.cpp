#include "agent/local_answer.hpp"

#include "reports/views.hpp"

namespace herd::agent {
namespace {

std::string error(const protocol::Envelope& e, std::string code, std::string message) {
  protocol::ErrorReply r;
  r.code = std::move(code);
  r.message = std::move(message);
  return protocol::encode_frame(e, r);
}

template <typename Query>
Result<Query> body(const protocol::Frame& frame) {
  return protocol::decode_body<Query>(frame);
}

}  // namespace

bool is_user_query(std::string_view type) {
  return type == protocol::StatusQuery::kName || type == protocol::NodeQuery::kName ||
         type == protocol::QuotaQuery::kName || type == protocol::DaemonQuery::kName ||
         type == protocol::EventsQuery::kName;
}

std::string local_answer(const protocol::Frame& query, const reports::Caller& caller, const OwnNode& node,
                         std::string_view notice, const protocol::Envelope& e) {
  const std::string& type = query.envelope.type;
  const std::string note(notice);
  std::vector<reports::NodeReportRef> refs;
  if (node.report != nullptr) refs.push_back({node.status.name, node.report});

  if (type == protocol::StatusQuery::kName) {
    protocol::StatusReply r;
    r.nodes.push_back(node.status);
    r.summary = {1, 0, 1, {}};  // maintenance: unknown to the node itself
    r.notice = note;
    return protocol::encode_frame(e, r);
  }
  if (type == protocol::NodeQuery::kName) {
    auto q = body<protocol::NodeQuery>(query);
    if (!q) return error(e, "bad_request", q.error().message);
    if (q->node != node.status.name) {
      return error(e, "unavailable", fmt::format("{}; only this node ({}) is known here", note, node.status.name));
    }
    protocol::NodeReply r;
    r.status = node.status;
    if (node.report) r.report = reports::filter_report(*node.report, {caller.admin, caller.uid});
    r.notice = note;
    return protocol::encode_frame(e, r);
  }
  if (type == protocol::QuotaQuery::kName) {
    auto q = body<protocol::QuotaQuery>(query);
    if (!q) return error(e, "bad_request", q.error().message);
    auto users = reports::select_users(caller, q->uid, q->all_users);
    if (!users) return error(e, "forbidden", users.error().message);
    protocol::QuotaReply r = reports::quota_view(refs, *users);
    r.notice = note;
    return protocol::encode_frame(e, r);
  }
  if (type == protocol::DaemonQuery::kName) {
    auto q = body<protocol::DaemonQuery>(query);
    if (!q) return error(e, "bad_request", q.error().message);
    auto users = reports::select_users(caller, q->uid, q->all_users);
    if (!users) return error(e, "forbidden", users.error().message);
    protocol::DaemonReply r = reports::daemon_view(refs, *users, q->node);
    r.notice = note;
    return protocol::encode_frame(e, r);
  }
  if (type == protocol::EventsQuery::kName) {
    return error(e, "unavailable", note + "; the event log is kept by the controller");
  }
  return error(e, "bad_request", fmt::format("\"{}\" is not a query", type.substr(0, 64)));
}

}  // namespace herd::agent
