#pragma once
// `watch`: redraws the cluster table every `interval` until a key is
// pressed. The terminal goes into non-canonical mode on the alternate screen
// and comes back on every way out: a key, Ctrl-C (SIGINT), SIGTERM or SIGHUP
// (restored, then the signal is raised again), an exception. SIGWINCH
// redraws at the new size at once.

#include <chrono>

#include "cli/config.hpp"

namespace herd::cli::console {

// Needs stdin and stdout to be a terminal; returns an exit status.
int run_watch(const CliConfig& config, std::chrono::milliseconds interval);

}  // namespace herd::cli::console
