#include "cli/console/history_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <sys/stat.h>

namespace herd::cli::console {

std::optional<std::string> history_path(const char* xdg_state_home, const char* home) {
  // The XDG spec says a relative value is invalid and must be ignored.
  if (xdg_state_home != nullptr && xdg_state_home[0] == '/') return std::string(xdg_state_home) + "/herd/console_history";
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.local/state/herd/console_history";
  return std::nullopt;
}

Status prepare_history_dir(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  // Create each missing level 0700: the history may hold node names and file paths.
  std::filesystem::path so_far;
  for (const auto& part : dir) {
    so_far /= part;
    if (::mkdir(so_far.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail("failed to create {}: {}", so_far.string(), std::strerror(errno));
    }
  }
  return {};
}

}  // namespace herd::cli::console
