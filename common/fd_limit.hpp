#pragma once
// A controller holds two TCP connections per agent; the soft limit on open
// files (often 1024) would stop it long before the hard limit does.

#include "common/result.hpp"

namespace herd {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
[[nodiscard]] Result<uint64_t> raise_fd_limit();

}  // namespace herd
