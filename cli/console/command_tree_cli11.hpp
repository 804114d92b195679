#pragma once
// The command tree of a CLI11 app: every subcommand, option and positional
// the CLI declares, for the console's completion.

#include <CLI/CLI.hpp>

#include "cli/console/command_tree.hpp"

namespace herd::cli::console {

[[nodiscard]] CommandNode command_tree_from(const CLI::App& app);

}  // namespace herd::cli::console
