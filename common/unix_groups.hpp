#pragma once
// Group membership through the C library (NSS), for "root or a member of the
// admin group". Answers are cached for a minute so a burst of queries does
// not become a burst of LDAP lookups.

#include <chrono>
#include <string>
#include <sys/types.h>
#include <unordered_map>

#include "common/clock.hpp"

namespace herd {

// "uid 1001 (alice)", or "uid 1001" when the name is unknown: how logs and
// the event log name who did something.
[[nodiscard]] std::string user_label(uid_t uid);

class AdminCheck {
 public:
  // `group` empty: only root is an admin.
  AdminCheck(std::string group, const Clock& clock) : group_(std::move(group)), clock_(clock) {}

  [[nodiscard]] bool is_admin(uid_t uid);
  [[nodiscard]] const std::string& group() const { return group_; }

 private:
  [[nodiscard]] bool lookup(uid_t uid) const;

  std::string group_;
  const Clock& clock_;
  struct Entry {
    bool admin;
    MonoTime at;
  };
  std::unordered_map<uid_t, Entry> cache_;
};

}  // namespace herd
