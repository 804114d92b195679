#pragma once
// Key enrolment (SPEC §4): admins list the agent keys the controller knows
// and accept, reject or revoke them. Head node's query socket only, root or
// the admin group only; every decision is logged with who made it and is an
// event.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/channel.hpp"
#include "protocol/codec.hpp"

namespace herd::protocol {

enum class KeyState : uint8_t { pending, rejected, revoked };
template <>
struct EnumNames<KeyState> {
  static constexpr std::array<std::string_view, 3> names{"pending", "rejected", "revoked"};
};

enum class KeyAction : uint8_t { accept, reject, revoke };
template <>
struct EnumNames<KeyAction> {
  static constexpr std::array<std::string_view, 3> names{"accept", "reject", "revoke"};
};

struct EnrolledKey {
  static constexpr std::string_view kName = "EnrolledKey";

  std::string node;
  std::string fingerprint;
  std::string public_key;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("node", self.node, "Node name (the file keys_dir/NODE.pub).", Bounds{255});
    v("fingerprint", self.fingerprint, "First 16 characters of the Z85 public key.", Bounds{64});
    v("public_key", self.public_key, "The Z85 public key (40 characters).", Bounds{64});
  }
};

struct KeyEntry {
  static constexpr std::string_view kName = "KeyEntry";

  std::string public_key;
  std::string fingerprint;
  KeyState state = KeyState::pending;
  std::string node;
  std::string address;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  uint64_t attempts = 0;
  std::optional<int64_t> decided_ms;
  std::optional<std::string> decided_by;
  bool conflict = false;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("public_key", self.public_key, "The Z85 public key (40 characters).", Bounds{64});
    v("fingerprint", self.fingerprint, "First 16 characters of the public key.", Bounds{64});
    v("state", self.state, "What the controller does with it.");
    v("node", self.node,
      "The node name the key claimed (pending, rejected) or was enrolled as (revoked); empty: not said yet.",
      Bounds{255});
    v("address", self.address, "The peer address it last connected from.", Bounds{255});
    v("first_seen_ms", self.first_seen_ms, "First connection attempt, ms since the Unix epoch.");
    v("last_seen_ms", self.last_seen_ms, "Last connection attempt, ms since the Unix epoch.");
    v("attempts", self.attempts, "Connection attempts seen.");
    v("decided_ms", self.decided_ms, "When it was rejected or revoked.");
    v("decided_by", self.decided_by, "Who rejected or revoked it, e.g. `uid 0 (root)`.", Bounds{255});
    v("conflict", self.conflict, "Pending for a name that is enrolled with another key: revoke that first.");
  }
};

struct KeysListQuery {
  static constexpr std::string_view kName = "keys_list_query";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Asks for the enrolled keys and the pending, rejected and revoked ones. Head node's query socket only, "
      "root or the admin group only. Answered with `keys_list_reply`.";

  template <class Self, class V>
  static void fields(Self&, V&) {}
};

struct KeysListReply {
  static constexpr std::string_view kName = "keys_list_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `keys_list_query`; both lists sorted by node name.";

  std::string enrolment;
  std::vector<EnrolledKey> enrolled;
  std::vector<KeyEntry> keys;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("enrolment", self.enrolment, "The controller's `enrolment` setting: `off` or `pending`.", Bounds{16});
    v("enrolled", self.enrolled, "Keys in keys_dir.", Bounds{1'000'000});
    v("keys", self.keys, "Pending, rejected and revoked keys.", Bounds{1'000'000});
  }
};

struct KeyDecision {
  static constexpr std::string_view kName = "key_decision";
  static constexpr Channel kChannel = Channel::query;
  static constexpr std::string_view kDoc =
      "Accepts a pending key (writes keys_dir/NODE.pub; the node's next connection attempt is admitted), rejects "
      "one (refused from then on), or revokes an enrolled node's key (file removed, its connections closed, "
      "refused from then on). Head node's query socket only, root or the admin group only. Answered with "
      "`key_decision_reply`, or `error` with code `not_found` (no such pending key or enrolled node) or "
      "`conflict` (several pending keys claim the name, or the name is enrolled with another key).";

  KeyAction action = KeyAction::accept;
  std::string node;
  std::optional<std::string> key;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("action", self.action, "What to do.");
    v("node", self.node, "The node name.", Bounds{255});
    v("key", self.key, "accept, reject: the fingerprint (or a prefix of the public key) of the pending key meant.",
      Bounds{64});
  }
};

struct KeyDecisionReply {
  static constexpr std::string_view kName = "key_decision_reply";
  static constexpr Channel kChannel = Channel::query_reply;
  static constexpr std::string_view kDoc = "Answer to `key_decision`: what was done.";

  KeyAction action = KeyAction::accept;
  std::string node;
  std::string fingerprint;
  std::string detail;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("action", self.action, "What was done.");
    v("node", self.node, "The node name.", Bounds{255});
    v("fingerprint", self.fingerprint, "The key concerned.", Bounds{64});
    v("detail", self.detail, "One line for a human.", Bounds{4096});
  }
};

}  // namespace herd::protocol
