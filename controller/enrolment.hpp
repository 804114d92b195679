#pragma once
// Key enrolment (SPEC §4): what the controller does with an agent key that
// is not in keys_dir, and the admin's decisions on it. Pure logic on injected
// times; the controller does the I/O (ZAP, files, SQLite, disconnects).
//
// Enrolled keys live in keys_dir (the Keyring); this keeps everything else,
// one record per public key:
//
//   (unknown) --ZAP, enrolment="pending"--> pending --accept--> (file in keys_dir)
//                                              |
//                                              +--reject--> rejected (refused for good)
//   (file in keys_dir) --revoke--> revoked (refused for good, kept for the audit trail)
//
// The name a key claims cannot reach the ZAP handler: libzmq's ZAP request
// carries the server socket's own routing id, never the client's, and the
// client's metadata is parsed only after ZAP answered. So a new key is
// admitted once as a *claim connection*: its first message's envelope sender
// is the name it claims, and the controller closes that connection at once
// without dispatching anything. From then on the key's retries are refused
// at the ZAP handler and only counted. A claim connection that never speaks
// is admitted again after kClaimWindow, at most kMaxSilentClaims times, and
// at most kMaxUnnamedPending keys wait unnamed: an unknown peer can hold only
// a bounded number of idle connections.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace herd::controller {

enum class EnrolmentMode { off, pending };
enum class KeyStatus { pending, rejected, revoked };
[[nodiscard]] std::string_view key_status_text(KeyStatus s);
[[nodiscard]] std::optional<KeyStatus> parse_key_status(std::string_view text);

// The ZAP User-Id of a claim connection: this prefix and the public key.
// Node names cannot contain ':', so it never names a node.
inline constexpr std::string_view kClaimUserPrefix = "claim:";

inline constexpr std::chrono::seconds kClaimWindow{10};
inline constexpr uint32_t kMaxSilentClaims = 3;
inline constexpr std::size_t kMaxPending = 1000;
inline constexpr std::size_t kMaxUnnamedPending = 64;

// What an admin sees to tell keys apart: the first 16 characters of the Z85
// public key (80 bits), the same text as the start of `public_key` in the
// node's NAME.pub, so it can be compared on the node itself.
[[nodiscard]] std::string key_fingerprint(const std::string& public_key);

struct KeyRecord {
  std::string public_key;
  KeyStatus status = KeyStatus::pending;
  std::string name;     // claimed (pending, rejected) or enrolled (revoked); empty: not claimed yet
  std::string address;  // last peer address seen
  WallTime first_seen{};
  WallTime last_seen{};
  uint64_t attempts = 0;    // connection attempts seen by the ZAP handler
  WallTime decided_at{};    // rejected, revoked
  std::string decided_by;   // who rejected or revoked it
  friend bool operator==(const KeyRecord&, const KeyRecord&) = default;
};

// The ZAP handler's answer for a key that is not in keys_dir.
struct Admission {
  enum Kind { refuse, claim } kind = refuse;
  std::string reason;       // why refused, for the log
  bool log = false;         // worth a log line (new key, first refusal of a kind); retries stay quiet
  bool new_pending = false; // a pending record was created (an event)
};

// An admin's decision failed: `code` is the query error code.
struct DecisionError {
  std::string code;  // not_found, conflict
  std::string message;
};

template <typename T>
struct Decision {
  std::optional<T> value;
  DecisionError error;
  [[nodiscard]] bool ok() const { return value.has_value(); }
};

class Enrolment {
 public:
  explicit Enrolment(EnrolmentMode mode) : mode_(mode) {}

  void restore(std::vector<KeyRecord> records);
  [[nodiscard]] EnrolmentMode mode() const { return mode_; }

  // A connection attempt with `key`, which the keyring does not know.
  Admission admit_unknown(const std::string& key, const std::string& address, MonoTime mono, WallTime wall);

  // The first message of a claim connection, sent as `name`.
  // `key_of_name`: the key `name` is enrolled with, if it is enrolled.
  struct ClaimResult {
    bool conflict = false;  // the name is enrolled with another key
    bool renamed = false;   // the key claimed another name before
    std::string previous_name;
  };
  // Whether a claim connection of `key` was admitted and has not spoken yet:
  // only its first message counts, later ones of a closed connection do not.
  [[nodiscard]] bool awaiting_claim(const std::string& key) const;
  // The claim connection sent something that does not say a valid name.
  void claim_failed(const std::string& key);
  ClaimResult claim(const std::string& key, const std::string& name, const std::string& address,
                    const std::optional<std::string>& key_of_name, WallTime wall);

  // `key_prefix`: a fingerprint or public key prefix choosing among several
  // pending keys claiming `name`; empty: there must be exactly one.
  [[nodiscard]] Decision<KeyRecord> find_pending(const std::string& name, const std::string& key_prefix) const;
  // Accepting: checks the name is not enrolled with another key, returns the
  // record; the caller writes the file, then calls accepted().
  [[nodiscard]] Decision<KeyRecord> prepare_accept(const std::string& name, const std::string& key_prefix,
                                                   const std::optional<std::string>& key_of_name) const;
  void accepted(const std::string& key);
  Decision<KeyRecord> reject(const std::string& name, const std::string& key_prefix, const std::string& who,
                             WallTime wall);
  // `key`: the one `name` was enrolled with (the caller removes the file).
  KeyRecord revoke(const std::string& name, const std::string& key, const std::string& who, WallTime wall);

  [[nodiscard]] const KeyRecord* find(const std::string& key) const;
  [[nodiscard]] const std::map<std::string, KeyRecord>& records() const { return records_; }

  // Records changed or removed since the last call: for the store.
  struct Changes {
    std::vector<KeyRecord> saved;
    std::vector<std::string> removed;
  };
  [[nodiscard]] Changes take_changes();

 private:
  struct ClaimState {
    std::optional<MonoTime> admitted_at;
    uint32_t silent = 0;  // claim connections admitted that never spoke
  };
  void touch(const std::string& key);
  [[nodiscard]] std::size_t unnamed_pending() const;

  EnrolmentMode mode_;
  std::map<std::string, KeyRecord> records_;  // by public key
  std::map<std::string, ClaimState> claims_;  // pending keys without a name yet; not persisted
  std::vector<std::string> changed_;
  std::vector<std::string> removed_;
};

}  // namespace herd::controller
