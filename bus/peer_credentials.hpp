#pragma once
// On ipc:// connections libzmq appends the peer's SO_PEERCRED to its address
// ("...:uid:gid:pid"); the kernel vouches for these, the client cannot forge
// them. This is how a local query's caller is known.

#include <optional>
#include <string_view>
#include <sys/types.h>

namespace herd::bus {

struct PeerCredentials {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
};

[[nodiscard]] std::optional<PeerCredentials> parse_ipc_peer_address(std::string_view address);

}  // namespace herd::bus
