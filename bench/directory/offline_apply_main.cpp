// bench-offline-apply FILE ROOT [--json]: the offline apply of herd-agent,
// standalone, so scripts can time the whole command until herd-agent's main
// calls it.
#include <iostream>
#include <string_view>

#include "directory/offline_apply.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench-offline-apply FILE ROOT [--json]\n";
    return 2;
  }
  const bool json = argc > 3 && std::string_view(argv[3]) == "--json";
  return herd::directory::run_offline_apply(argv[1], argv[2], json, std::cout, std::cerr);
}
