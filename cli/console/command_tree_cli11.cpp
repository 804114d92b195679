#include "cli/console/command_tree_cli11.hpp"

#include "cli/console/completion.hpp"

namespace herd::cli::console {

CommandNode command_tree_from(const CLI::App& app) {
  CommandNode node;
  node.name = app.get_name();
  node.help = app.get_description();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      PositionalInfo positional;
      positional.name = option->get_name();
      positional.repeats = option->get_items_expected_max() > 1;
      positional.kind = kind_of_argument(option->get_name(), option->get_type_name());
      node.positionals.push_back(std::move(positional));
      continue;
    }
    OptionInfo info;
    for (const auto& l : option->get_lnames()) info.names.push_back("--" + l);
    for (const auto& s : option->get_snames()) info.names.push_back("-" + s);
    info.takes_value = option->get_items_expected_max() > 0;  // flags expect 0 items
    const std::string first = option->get_lnames().empty() ? "" : option->get_lnames().front();
    info.kind = kind_of_argument(first, option->get_type_name());
    node.options.push_back(std::move(info));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    node.children.push_back(command_tree_from(*sub));
  }
  return node;
}

}  // namespace herd::cli::console
