#pragma once
// One entry of the controller's event log, as the store writes it.

#include <string>

#include "common/clock.hpp"

namespace herd::controller {

struct EventRecord {
  WallTime at{};
  std::string node;    // empty for controller events
  std::string kind;    // node_up, maintenance_on, ...
  std::string detail;  // one line for people
  std::string by;      // who caused it (an admin's user label, "controller"); empty if no one in particular
  std::string reason;  // why, as the admin gave it; empty if none
};

}  // namespace herd::controller
