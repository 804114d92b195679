#pragma once
// The node names completion offers: from the controller's status, cached
// and asked again when older than kRefresh. A controller that does not answer
// leaves the old names and is not asked again before kRetry, so Tab never
// hangs for more than kTimeout, and not on every press.

#include <chrono>
#include <string>
#include <vector>

#include "cli/config.hpp"

namespace herd::cli::console {

class NodeNames {
 public:
  static constexpr std::chrono::seconds kRefresh{10};
  static constexpr std::chrono::seconds kRetry{2};
  static constexpr std::chrono::milliseconds kTimeout{1000};

  explicit NodeNames(CliConfig config) : config_(std::move(config)) {}

  const std::vector<std::string>& get();

 private:
  CliConfig config_;
  std::vector<std::string> names_;
  std::chrono::steady_clock::time_point next_ask_{};
};

}  // namespace herd::cli::console
