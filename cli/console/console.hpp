#pragma once
// `herd console`: an interactive console on the head node. On a terminal:
// line editing, history kept across runs and tab completion (libedit); not
// on a terminal (stdin piped): commands read line by line, for scripts. Each
// line is split like a shell would and run as `herd WORDS` through the same
// CLI, so every CLI command is a console command. Besides them: `watch
// [INTERVAL]`, `help`, `exit`, `quit`. A typo, a parse error or an
// unreachable controller is a message and a new prompt, never an exit.

#include <functional>
#include <string>
#include <vector>

#include "cli/config.hpp"
#include "cli/console/command_tree.hpp"
#include "common/result.hpp"

namespace herd::cli::console {

struct ConsoleSetup {
  // Runs `herd WORDS` and returns its exit status; must not exit the process.
  std::function<int(const std::vector<std::string>&)> run_command;
  // The CLI's commands (for completion); the console adds its own words.
  CommandNode commands;
  // The config the console was started with: where the controller is.
  CliConfig config;
};

// Returns the exit status of the console: 0, or on piped input the status of
// the last command that failed (so `herd console < script` can be checked).
int run_console(ConsoleSetup setup);

}  // namespace herd::cli::console
