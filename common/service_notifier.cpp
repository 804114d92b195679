#include "common/service_notifier.hpp"

#include <string>

#include <systemd/sd-daemon.h>

namespace herd {

ServiceNotifier::ServiceNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::milliseconds{static_cast<int64_t>(usec / 2000)};
  }
}

void ServiceNotifier::ready(std::string_view status) {
  sd_notify(0, ("READY=1\nSTATUS=" + std::string(status)).c_str());
}

void ServiceNotifier::status(std::string_view status) { sd_notify(0, ("STATUS=" + std::string(status)).c_str()); }

void ServiceNotifier::stopping() { sd_notify(0, "STOPPING=1"); }

void ServiceNotifier::watchdog() { sd_notify(0, "WATCHDOG=1"); }

}  // namespace herd
