#include "reports/user_selection.hpp"

namespace herd::reports {

Result<UserSelection> select_users(const Caller& caller, std::optional<uint32_t> uid, std::optional<bool> all_users) {
  if (all_users.value_or(false)) {
    if (!caller.admin) return fail("only root and members of the admin group may see every user's data");
    return UserSelection{true, 0};
  }
  const uint32_t wanted = uid.value_or(caller.uid);
  if (wanted != caller.uid && !caller.admin) {
    return fail("uid {} may not see the data of uid {}: only root and members of the admin group may", caller.uid,
                wanted);
  }
  return UserSelection{false, wanted};
}

}  // namespace herd::reports
