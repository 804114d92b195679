#pragma once
// Tells systemd-logind that a user lingers or no longer does, over the
// system bus: org.freedesktop.login1.Manager.SetUserLinger(uid, enable,
// interactive=false). Enabling starts the user's manager (user@UID.service)
// at once; disabling lets logind stop it when the user has no session. The
// flag file itself is the directory apply's job; logind rewrites the same
// file, which changes nothing.

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.hpp"

typedef struct sd_bus sd_bus;

namespace herd::agent {

class LogindLinger {
 public:
  // Connects to the system bus; an error when there is none (no dbus on the
  // node), which the caller reports once per apply.
  [[nodiscard]] static Result<LogindLinger> connect();

  [[nodiscard]] Status set(uint32_t uid, bool enable);

 private:
  struct Close {
    void operator()(sd_bus* bus) const;
  };
  explicit LogindLinger(sd_bus* bus) : bus_(bus) {}
  std::unique_ptr<sd_bus, Close> bus_;
};

}  // namespace herd::agent
