#pragma once
// What cluster users ask most (herd node show, quota list, daemon status),
// and the proxy envelope with which a node's agent forwards a local user's
// query to the controller on that user's behalf.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/channel.hpp"
#include "protocol/codec.hpp"
#include "protocol/messages/query.hpp"
#include "protocol/report_model.hpp"

namespace herd::protocol {

struct NodeQuery {
  static constexpr std::string_view kName = "node_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc = "Asks for one node's state and latest report.";

  std::string node;

  template <class Self, class V>
  static void fields(Self& self, V& v) { v("node", self.node, "The node.", Bounds{255}); }
};

struct NodeReply {
  static constexpr std::string_view kName = "node_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc =
      "Answer to `node_query`. Per-user rows of the report (quotas, slices, user units) are only the "
      "caller's own unless the caller is an admin.";

  NodeStatus status;
  std::optional<NodeReport> report;
  std::optional<std::string> notice;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("status", self.status, "The node's state, as in `status_reply`.");
    v("report", self.report, "Its latest report since the controller started; absent if none yet.");
    v("notice", self.notice, "Set when the answer is partial, e.g. the controller was unreachable.", Bounds{4096});
  }
};

struct QuotaQuery {
  static constexpr std::string_view kName = "quota_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Asks for a user's disk quota and slice limits on every node and filesystem. Only admins may ask for "
      "another user or for everyone.";

  std::optional<uint32_t> uid;
  std::optional<bool> all_users;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("uid", self.uid, "Whose; absent: the caller's own.");
    v("all_users", self.all_users, "Everyone's (admins only).");
  }
};

struct QuotaRow {
  static constexpr std::string_view kName = "QuotaRow";

  std::optional<std::string> node;
  QuotaFilesystem filesystem;
  UserQuota quota;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node,
      "The node that reported it; absent for a shared filesystem, which is counted once for the cluster.",
      Bounds{255});
    v("filesystem", self.filesystem, "The filesystem.");
    v("quota", self.quota, "Usage and limits.");
  }
};

struct SliceRow {
  static constexpr std::string_view kName = "SliceRow";

  std::string node;
  UserSlice slice;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node, "The node.", Bounds{255});
    v("slice", self.slice, "The user's slice there.");
  }
};

struct QuotaReply {
  static constexpr std::string_view kName = "quota_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `quota_query`, sorted by uid, filesystem, node.";

  std::vector<QuotaRow> rows;
  std::vector<SliceRow> slices;
  std::optional<std::string> notice;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("rows", self.rows, "Disk quota rows.");
    v("slices", self.slices, "cgroup v2 slice rows.");
    v("notice", self.notice, "Set when the answer is partial, e.g. the controller was unreachable.", Bounds{4096});
  }
};

struct DaemonQuery {
  static constexpr std::string_view kName = "daemon_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Asks for a user's own systemd user units (e.g. rootless Docker) on every node, or one node. Only admins "
      "may ask for another user or for everyone.";

  std::optional<uint32_t> uid;
  std::optional<bool> all_users;
  std::optional<std::string> node;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("uid", self.uid, "Whose; absent: the caller's own.");
    v("all_users", self.all_users, "Everyone's (admins only).");
    v("node", self.node, "Only this node.", Bounds{255});
  }
};

struct DaemonRow {
  static constexpr std::string_view kName = "DaemonRow";

  std::string node;
  UserUnit unit;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node, "The node.", Bounds{255});
    v("unit", self.unit, "The user's unit and its state.");
  }
};

struct DaemonReply {
  static constexpr std::string_view kName = "daemon_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `daemon_query`, sorted by uid, node, unit.";

  std::vector<DaemonRow> units;
  std::optional<std::string> notice;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("units", self.units, "The units.");
    v("notice", self.notice, "Set when the answer is partial, e.g. the controller was unreachable.", Bounds{4096});
  }
};

struct ProxyQuery {
  static constexpr std::string_view kName = "proxy_query";
  static constexpr Channel kChannel = Channel::agent_to_controller;
  static constexpr std::string_view kDoc =
      "A query a local user sent to the node's agent socket, forwarded on the user's behalf. The agent "
      "learned `uid` from the kernel (SO_PEERCRED), never from the query, and decided `admin` from the "
      "node's groups. The controller answers with `proxy_reply`.";

  uint64_t request_id = 0;
  uint32_t uid = 0;
  bool admin = false;
  Bytes frame;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("request_id", self.request_id, "Chosen by the agent; echoed in `proxy_reply`.");
    v("uid", self.uid, "The local caller's uid.");
    v("admin", self.admin, "Whether the caller is root or in the admin group.");
    v("frame", self.frame, "The user's query frame, unchanged.", Bounds{1 << 20});
  }
};

struct ProxyReply {
  static constexpr std::string_view kName = "proxy_reply";
  static constexpr Channel kChannel = Channel::controller_to_agent;
  static constexpr std::string_view kDoc = "The answer to a `proxy_query`, for the agent to pass on unchanged.";

  uint64_t request_id = 0;
  Bytes frame;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("request_id", self.request_id, "From the `proxy_query`.");
    v("frame", self.frame, "The reply frame (a `*_reply` or `error`).", Bounds{64 << 20});
  }
};

}  // namespace herd::protocol
