#pragma once
// The directory on the bus (SPEC §5): admins change it on the controller's
// query socket; the controller publishes each new revision as a delta on
// `all/`; an agent that is new, was away or sees a gap asks for a snapshot;
// every agent acknowledges what it applied. The clone pattern of the ZeroMQ
// Guide, with revisions as the sequence.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/channel.hpp"
#include "protocol/codec.hpp"
#include "protocol/directory_model.hpp"

namespace herd::protocol {

inline constexpr std::size_t kMaxDirectoryText = 64u << 20;

struct DirectoryApply {
  static constexpr std::string_view kName = "directory_apply";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Validates a directory file and, if it changes anything, stores it as a new revision and publishes it. "
      "Head node's query socket only, root or the admin group only. Answered with `directory_change`.";

  std::string file_name;
  std::string text;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("file_name", self.file_name, "The file's name, for error messages (`FILE:LINE: ...`).", Bounds{4096});
    v("text", self.text, "The file's content, YAML or JSON.", Bounds{kMaxDirectoryText});
  }
};

struct DirectoryDiff {
  static constexpr std::string_view kName = "directory_diff";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Like `directory_apply`, but only says what would change against the current revision; stores and "
      "publishes nothing. Answered with `directory_change`.";

  std::string file_name;
  std::string text;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("file_name", self.file_name, "The file's name, for error messages.", Bounds{4096});
    v("text", self.text, "The file's content, YAML or JSON.", Bounds{kMaxDirectoryText});
  }
};

struct DirectoryChange {
  static constexpr std::string_view kName = "directory_change";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc =
      "Answer to `directory_apply` and `directory_diff`: whether the file is valid (if not, every problem as "
      "`FILE:LINE: ...`), and what it changes against revision `base_revision`.";

  bool valid = false;
  std::vector<std::string> errors;
  uint64_t base_revision = 0;
  std::optional<uint64_t> revision;
  std::vector<std::string> users_added;
  std::vector<std::string> users_changed;
  std::vector<std::string> users_removed;
  std::vector<std::string> groups_added;
  std::vector<std::string> groups_changed;
  std::vector<std::string> groups_removed;
  bool settings_changed = false;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("valid", self.valid, "The file passed validation.");
    v("errors", self.errors, "Every problem found, in file order; empty when valid.", Bounds{100'000});
    v("base_revision", self.base_revision, "The revision the change is measured against (0: none yet).");
    v("revision", self.revision, "The new revision, when `directory_apply` stored one.");
    v("users_added", self.users_added, "Names.");
    v("users_changed", self.users_changed, "Names.");
    v("users_removed", self.users_removed, "Names.");
    v("groups_added", self.groups_added, "Names.");
    v("groups_changed", self.groups_changed, "Names.");
    v("groups_removed", self.groups_removed, "Names.");
    v("settings_changed", self.settings_changed,
      "Ranges, `ssh_keys_dir`, `managed_user_directories` or `create_home` changed.");
  }
};

struct DirectoryUpdate {
  static constexpr std::string_view kName = "directory_update";
  static constexpr Channel kChannel = Channel::publish;
  static constexpr std::string_view kDoc =
      "A new revision as a delta from the previous one, on topic `all/`. An agent at `base_revision` applies it; "
      "any other agent (a gap, a late start) asks for a `directory_snapshot`. A change of the settings is "
      "never sent as a delta: `snapshot_required` tells agents to fetch the whole directory.";

  uint64_t revision = 0;
  uint64_t base_revision = 0;
  bool snapshot_required = false;
  std::vector<DirectoryUser> upsert_users;
  std::vector<std::string> remove_users;
  std::vector<DirectoryGroup> upsert_groups;
  std::vector<std::string> remove_groups;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("revision", self.revision, "The new revision.");
    v("base_revision", self.base_revision, "The revision this delta applies to.");
    v("snapshot_required", self.snapshot_required, "The delta is not enough (settings changed): fetch a snapshot.");
    v("upsert_users", self.upsert_users, "Users added or changed, whole.");
    v("remove_users", self.remove_users, "Names of users removed.");
    v("upsert_groups", self.upsert_groups, "Groups added or changed, whole.");
    v("remove_groups", self.remove_groups, "Names of groups removed.");
  }
};

struct DirectorySnapshotRequest {
  static constexpr std::string_view kName = "directory_snapshot_request";
  static constexpr Channel kChannel = Channel::agent_to_controller;
  static constexpr std::string_view kDoc = "An agent asks for the whole current directory.";

  std::optional<uint64_t> have_revision;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("have_revision", self.have_revision, "The revision the agent has, if any (informational).");
  }
};

struct DirectorySnapshot {
  static constexpr std::string_view kName = "directory_snapshot";
  static constexpr Channel kChannel = Channel::controller_to_agent;
  static constexpr std::string_view kDoc =
      "The whole directory at `revision`, answering `directory_snapshot_request`. Revision 0 means the "
      "controller has no directory yet: the agent leaves its files alone.";

  uint64_t revision = 0;
  std::optional<Directory> directory;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("revision", self.revision, "The current revision (0: none).");
    v("directory", self.directory, "The directory; absent at revision 0.");
  }
};

struct DirectoryAck {
  static constexpr std::string_view kName = "directory_ack";
  static constexpr Channel kChannel = Channel::agent_to_controller;
  static constexpr std::string_view kDoc = "What an agent did with a revision: applied, or refused and why.";

  uint64_t revision = 0;
  DirectoryApplyResult result;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("revision", self.revision, "The revision applied (or refused).");
    v("result", self.result, "Counts, duration, errors and warnings.");
  }
};

struct DirectoryStatusQuery {
  static constexpr std::string_view kName = "directory_status_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc = "Asks which node is at which revision.";

  template <class Self, class V>
  static void fields(Self&, V&) {}
};

enum class ConvergenceState : uint8_t { current, behind, failed, unknown };
template <>
struct EnumNames<ConvergenceState> {
  static constexpr std::array<std::string_view, 4> names{"current", "behind", "failed", "unknown"};
};

struct NodeConvergence {
  static constexpr std::string_view kName = "NodeConvergence";

  std::string node;
  ConvergenceState state = ConvergenceState::unknown;
  std::optional<uint64_t> applied_revision;
  std::optional<uint64_t> result_revision;
  std::optional<int64_t> result_ms;
  std::optional<DirectoryApplyResult> result;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node, "The node.", Bounds{255});
    v("state", self.state,
      "`current` (applied the current revision), `behind` (an older one), `failed` (its last apply was "
      "refused: see `result.errors`), `unknown` (never acknowledged one).");
    v("applied_revision", self.applied_revision, "The last revision it applied successfully.");
    v("result_revision", self.result_revision, "The revision of its last acknowledgement.");
    v("result_ms", self.result_ms, "When that acknowledgement arrived.");
    v("result", self.result, "What its last acknowledgement said.");
  }
};

struct RevisionInfo {
  static constexpr std::string_view kName = "RevisionInfo";

  uint64_t revision = 0;
  int64_t created_ms = 0;
  std::string author;
  std::string source;
  uint32_t users = 0;
  uint32_t groups = 0;
  uint32_t nodes = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("revision", self.revision, "The revision.");
    v("created_ms", self.created_ms, "When it was stored.");
    v("author", self.author, "Who stored it: `uid N (name)` or `watch:PATH`.", Bounds{4096});
    v("source", self.source, "The file name it came from.", Bounds{4096});
    v("users", self.users, "Users in it.");
    v("groups", self.groups, "Groups in it.");
    v("nodes", self.nodes, "Nodes whose last applied revision this is.");
  }
};

struct DirectoryStatusReply {
  static constexpr std::string_view kName = "directory_status_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `directory_status_query`.";

  uint64_t current_revision = 0;
  std::vector<RevisionInfo> revisions;
  std::vector<NodeConvergence> nodes;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("current_revision", self.current_revision, "The revision being published (0: none yet).");
    v("revisions", self.revisions, "The current revision and every revision some node is still at, newest first.");
    v("nodes", self.nodes, "Every known node, sorted by name.");
  }
};

}  // namespace herd::protocol
