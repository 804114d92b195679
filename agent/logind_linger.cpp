#include "agent/logind_linger.hpp"

#include <systemd/sd-bus.h>

#include <cstring>

namespace herd::agent {

namespace {
// logind answers in milliseconds; a hung one must not hold the directory
// worker for sd-bus's default 25 s per user.
constexpr uint64_t kCallTimeoutUs = 5'000'000;
}  // namespace

void LogindLinger::Close::operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }

Result<LogindLinger> LogindLinger::connect() {
  sd_bus* bus = nullptr;
  if (int r = sd_bus_open_system(&bus); r < 0) {
    return fail("cannot reach the system bus to tell logind about lingering users: {}", std::strerror(-r));
  }
  (void)sd_bus_set_method_call_timeout(bus, kCallTimeoutUs);
  return LogindLinger(bus);
}

Status LogindLinger::set(uint32_t uid, bool enable) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  int r = sd_bus_call_method(bus_.get(), "org.freedesktop.login1", "/org/freedesktop/login1",
                             "org.freedesktop.login1.Manager", "SetUserLinger", &error, nullptr, "ubb", uid,
                             static_cast<int>(enable), 0);
  if (r < 0) {
    std::string why = error.message != nullptr ? error.message : std::strerror(-r);
    sd_bus_error_free(&error);
    return fail("logind SetUserLinger({}, {}): {}", uid, enable, why);
  }
  return {};
}

}  // namespace herd::agent
