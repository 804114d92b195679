#pragma once
// One handler per message type, in one table:
//
//   Dispatcher<AgentPeer> d;
//   d.on<Heartbeat>([&](const Envelope& e, const Heartbeat& hb, const AgentPeer& from) { ... });
//   Status s = d.dispatch(frame, peer);   // error: unknown type, not accepted here, bad body
//
// Handlers only ever see messages that decoded and validated completely.

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"

namespace herd::protocol {

template <typename Peer>
class Dispatcher {
 public:
  template <Record T, typename Handler>
  void on(Handler handler) {
    handlers_[T::kName] = [handler = std::move(handler)](const Frame& frame, const Peer& peer) -> Status {
      auto body = decode_body<T>(frame);
      if (!body) return std::move(body).error();
      handler(frame.envelope, *body, peer);
      return {};
    };
  }

  [[nodiscard]] Status dispatch(const Frame& frame, const Peer& peer) const {
    const auto it = handlers_.find(frame.envelope.type);
    if (it == handlers_.end()) {
      if (is_known_type(frame.envelope.type)) {
        return fail("message type \"{}\" is not accepted on this channel", frame.envelope.type);
      }
      return fail("unknown message type \"{}\"", frame.envelope.type);
    }
    return it->second(frame, peer);
  }

 private:
  std::unordered_map<std::string_view, std::function<Status(const Frame&, const Peer&)>> handlers_;
};

}  // namespace herd::protocol
