#pragma once
// Which users logind must be told about after an apply. logind reads
// /var/lib/systemd/linger/ only when it starts; on a diskless node the agent
// always writes the flags later than that, so a flag alone starts nothing
// until logind hears of it (SetUserLinger, what `loginctl enable-linger`
// calls). Pure: the I/O is in logind_linger.hpp.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "protocol/directory_model.hpp"

namespace herd::agent {

struct LingerUser {
  uint32_t uid = 0;
  std::string name;
  bool operator==(const LingerUser&) const = default;
};

struct LingerTransitions {
  std::vector<LingerUser> enable;   // lingering now, not told before: start their managers
  std::vector<LingerUser> disable;  // told before, still users, no longer lingering
  std::set<uint32_t> lingering;     // who lingers after this directory: `before` of the next call
};

// `before`: the uids logind was told linger for (empty when the agent
// starts, so after a reboot or restart every lingering user is told once
// more; SetUserLinger is idempotent). Users removed from the directory are
// not disabled: logind looks the uid up in passwd, where they are gone.
[[nodiscard]] LingerTransitions linger_transitions(const std::set<uint32_t>& before,
                                                   const protocol::Directory& after);

}  // namespace herd::agent
