#include "agent/linger_transitions.hpp"

namespace herd::agent {

LingerTransitions linger_transitions(const std::set<uint32_t>& before, const protocol::Directory& after) {
  LingerTransitions t;
  for (const auto& u : after.users) {
    if (u.linger) {
      t.lingering.insert(u.uid);
      if (!before.contains(u.uid)) t.enable.push_back({u.uid, u.name});
    } else if (before.contains(u.uid)) {
      t.disable.push_back({u.uid, u.name});
    }
  }
  return t;
}

}  // namespace herd::agent
