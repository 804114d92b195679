#pragma once
// herd's exit statuses (SPEC §8), for scripts.
namespace herd::cli {
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;
}  // namespace herd::cli
