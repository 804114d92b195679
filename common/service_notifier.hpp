#pragma once
// Talks to systemd when the daemon runs under it (Type=notify): READY=1 once
// serving, STATUS= lines for `systemctl status`, WATCHDOG=1 pings from the
// event loop, STOPPING=1 on shutdown. Does nothing when NOTIFY_SOCKET is
// unset, so the daemons run the same by hand and in tests.

#include <chrono>
#include <optional>
#include <string_view>

namespace herd {

class ServiceNotifier {
 public:
  ServiceNotifier();

  void ready(std::string_view status);
  void status(std::string_view status);
  void stopping();
  void watchdog();

  // How often the loop should call watchdog(): half of WatchdogSec, or
  // nothing when systemd does not watch this process.
  [[nodiscard]] std::optional<std::chrono::milliseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  std::optional<std::chrono::milliseconds> watchdog_interval_;
};

}  // namespace herd
