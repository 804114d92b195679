#include "cli/console/node_names.hpp"

#include <algorithm>

#include "cli/query_client.hpp"

namespace herd::cli::console {

const std::vector<std::string>& NodeNames::get() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_ask_) return names_;
  QueryClient client(config_.socket, std::min(config_.timeout, std::chrono::milliseconds{kTimeout}));
  auto result = client.ask<protocol::StatusReply>(protocol::StatusQuery{});
  next_ask_ = std::chrono::steady_clock::now() + (result.ok() ? std::chrono::seconds{kRefresh} : kRetry);
  if (!result.ok()) return names_;
  names_.clear();
  for (const auto& node : result.reply->nodes) names_.push_back(node.name);
  return names_;
}

}  // namespace herd::cli::console
