#pragma once
// Who may see whose per-user data (SPEC §4): a regular user sees only their
// own quota and daemons; root and members of the admin group see anyone's.
// The caller's uid always comes from the kernel (SO_PEERCRED), never from a
// message; a query only says whom it is about.

#include <cstdint>
#include <optional>

#include "common/result.hpp"

namespace herd::reports {

struct Caller {
  uint32_t uid = 0;
  bool admin = false;
};

struct UserSelection {
  bool all = false;
  uint32_t uid = 0;
  [[nodiscard]] bool includes(uint32_t u) const { return all || u == uid; }
};

// The users a query may see: its own uid unless asked otherwise, another uid
// or everyone only for admins. The error says why, for a `forbidden` reply.
[[nodiscard]] Result<UserSelection> select_users(const Caller& caller, std::optional<uint32_t> uid,
                                                 std::optional<bool> all_users);

}  // namespace herd::reports
