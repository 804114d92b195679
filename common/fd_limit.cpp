#include "common/fd_limit.hpp"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

namespace herd {

Result<uint64_t> raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return fail("getrlimit: {}", std::strerror(errno));
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return fail("setrlimit: {}", std::strerror(errno));
  }
  return static_cast<uint64_t>(limit.rlim_cur);
}

}  // namespace herd
