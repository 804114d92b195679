#pragma once
// Topics of the publish channel. ZeroMQ matches subscriptions by prefix, so
// every topic ends in '/': a subscription to "node/n1/" does not also match
// "node/n10/".

#include <string>
#include <string_view>

namespace herd::protocol {

inline constexpr std::string_view kTopicAll = "all/";
[[nodiscard]] inline std::string node_topic(std::string_view node) { return "node/" + std::string(node) + "/"; }
[[nodiscard]] inline std::string group_topic(std::string_view group) { return "group/" + std::string(group) + "/"; }

}  // namespace herd::protocol
