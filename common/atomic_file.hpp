#pragma once
// Crash-safe file replacement: write a temporary file beside the target,
// fsync it, rename it over the target, fsync the directory. A crash at any
// instant leaves either the old or the new complete file.

#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/result.hpp"

namespace herd {

struct FileOwnership {
  mode_t mode = 0644;
  uid_t uid = static_cast<uid_t>(-1);  // -1: leave as created (the caller's)
  gid_t gid = static_cast<gid_t>(-1);
};

// Writes all of `content` to `fd` (retrying short writes and EINTR);
// errors name `path`.
[[nodiscard]] Status write_all(int fd, std::string_view content, const std::string& path);

[[nodiscard]] Status write_file_atomic(const std::string& path, std::string_view content, FileOwnership owner = {});

// Reads a whole file; refuses files larger than `max_bytes`.
[[nodiscard]] Result<std::string> read_file(const std::string& path, std::size_t max_bytes = 64u << 20);

}  // namespace herd
