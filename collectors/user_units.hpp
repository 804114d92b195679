#pragma once
// Collector "user_units": the units of each user's own systemd manager
// (user@UID.service), e.g. rootless Docker's docker.service, with active/sub
// state and since when.
//
// How root reaches a user's manager: every `systemd --user` listens on
// $XDG_RUNTIME_DIR/systemd/private, i.e. /run/user/UID/systemd/private, and
// accepts peers whose uid is root or its own (systemd's bus_check_peercred).
// The agent (root) connects there directly, one short connection per user,
// with no session bus and no setuid. A user with no running manager has no
// socket and is skipped silently.

#include <string>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/systemd_bus.hpp"
#include "collectors/users.hpp"
#include "common/clock.hpp"

namespace herd::collectors {

// Units kept per user; more are counted in an error.
inline constexpr std::size_t kMaxUnitsPerUser = 200;

struct UserManagerConfig {
  std::string address_template = "unix:path=/run/user/%U/systemd/private";
  bool bus_daemon = false;                          // true when the template names a dbus-daemon
  std::vector<std::string> patterns{"*.service"};   // unit name globs to report
  Millis timeout{2000};                             // per call
  Millis budget{10000};                             // for all users together
};

class UserUnitsCollector final : public Collector {
 public:
  UserUnitsCollector(const Clock& clock, UserManagerConfig config, UserSource users)
      : clock_(clock), config_(std::move(config)), users_(std::move(users)) {}
  [[nodiscard]] std::string_view name() const override { return "user_units"; }
  void collect(protocol::NodeReport& report) override;

 private:
  void collect_user(protocol::NodeReport& report, const UserRef& user);

  const Clock& clock_;
  UserManagerConfig config_;
  UserSource users_;
};

}  // namespace herd::collectors
