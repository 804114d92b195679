#pragma once
// The four channels of herd's bus. Every message type belongs to exactly one;
// a message arriving on another channel is refused.

#include <string_view>

namespace herd::protocol {

enum class Channel {
  agent_to_controller,  // agent DEALER -> controller ROUTER, agent_endpoint (tcp, CURVE)
  controller_to_agent,  // controller ROUTER -> agent DEALER, replies on the same connection
  publish,              // controller PUB -> agent SUB, publish_endpoint (tcp, CURVE), topic frame first
  query,                // client DEALER -> controller ROUTER, query socket (ipc); replies come back on it
  query_reply,
};

[[nodiscard]] constexpr std::string_view channel_description(Channel c) {
  switch (c) {
    case Channel::agent_to_controller: return "agent → controller: DEALER → ROUTER on `agent_endpoint`";
    case Channel::controller_to_agent: return "controller → agent: ROUTER → DEALER on `agent_endpoint`";
    case Channel::publish: return "controller → agents: PUB → SUB on `publish_endpoint`";
    case Channel::query: return "client → controller: DEALER → ROUTER on `query_socket`";
    case Channel::query_reply: return "controller → client: ROUTER → DEALER on `query_socket`";
  }
  return "";
}

}  // namespace herd::protocol
