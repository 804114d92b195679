#pragma once
// What the console knows about the commands, for completion: a tree of
// command words with their options and positional arguments. Built from the
// CLI's own CLI11 app (command_tree_from), so a command added to the CLI is
// completed in the console without further work.

#include <string>
#include <vector>

namespace herd::cli::console {

// What an argument names, so completion can offer the right words.
enum class ArgumentKind { other, node, file };

struct OptionInfo {
  std::vector<std::string> names;  // "--json", "-c", "--config"
  bool takes_value = false;
  ArgumentKind kind = ArgumentKind::other;
};

struct PositionalInfo {
  std::string name;
  bool repeats = false;  // takes any number of words (`status NODE...`)
  ArgumentKind kind = ArgumentKind::other;
};

struct CommandNode {
  std::string name;
  std::string help;
  std::vector<OptionInfo> options;
  std::vector<PositionalInfo> positionals;
  std::vector<CommandNode> children;
};

// An argument named node/nodes (or whose type name says NODE) takes node
// names; one named file, FILE or PATH takes a file name.
[[nodiscard]] ArgumentKind kind_of_argument(const std::string& name, const std::string& type_name);

}  // namespace herd::cli::console
