#pragma once
// What an agent says to the controller and how it reacts to what it hears,
// without sockets: the agent daemon and every simulated agent of herd-swarm
// run this same code.
//
//  - `hello` when starting, again if not welcomed within kHelloRetry, and
//    again whenever the controller's epoch (in `tick`) is not the one that
//    welcomed us: the controller restarted and should learn who we are.
//  - a heartbeat every interval, welcomed or not: it alone keeps the node up.
//  - the controller counts as silent after kControllerSilence without a tick
//    or a reply; that only changes what the agent reports about itself.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "protocol/dispatcher.hpp"
#include "protocol/messages.hpp"

namespace herd::agent {

inline constexpr std::chrono::seconds kHelloRetry{5};
inline constexpr std::chrono::seconds kControllerSilence{5};

struct Identity {
  std::string node;
  protocol::Hello hello;  // everything but what the session fills in itself
};

class Session {
 public:
  Session(Identity identity, const Clock& clock);

  // Frames to send now, if any. The caller sends them on the controller
  // channel and reports back with hello_sent() when a hello went out.
  [[nodiscard]] std::optional<std::string> due_hello();
  void hello_sent();
  [[nodiscard]] std::string heartbeat(const protocol::Heartbeat& hb);

  // Frames received on the controller channel and the publish channel.
  // Returns an error for a frame that does not decode or validate.
  [[nodiscard]] Status on_control_frame(std::string_view bytes);
  [[nodiscard]] Status on_publish_frame(std::string_view topic, std::string_view bytes);

  [[nodiscard]] bool welcomed() const { return welcomed_epoch_.has_value(); }
  [[nodiscard]] bool controller_silent() const;
  [[nodiscard]] std::optional<MonoTime> last_controller_contact() const { return last_contact_; }
  [[nodiscard]] const std::string& node() const { return identity_.node; }

  // More message types for the daemon's own parts (proxy replies,
  // directory snapshots and updates); the session handles the rest.
  template <typename T, typename Handler>
  void on_control(Handler handler) {
    control_.on<T>([this, handler = std::move(handler)](const protocol::Envelope&, const T& m, const int&) {
      contact();
      handler(m);
    });
  }
  template <typename T, typename Handler>
  void on_publish(Handler handler) {
    publish_.on<T>([this, handler = std::move(handler)](const protocol::Envelope&, const T& m, const int&) {
      contact();
      handler(m);
    });
  }
  // The controller's directory revision, from every welcome and tick.
  void on_directory_revision(std::function<void(uint64_t)> handler) { directory_revision_ = std::move(handler); }
  template <protocol::Record T>
  [[nodiscard]] std::string encode(const T& body) {
    return protocol::encode_frame(envelope(), body);
  }

 private:
  [[nodiscard]] protocol::Envelope envelope();
  void contact();

  Identity identity_;
  const Clock& clock_;
  uint64_t seq_ = 0;
  std::optional<uint64_t> welcomed_epoch_;
  std::optional<MonoTime> last_hello_;
  std::optional<MonoTime> last_contact_;
  bool epoch_changed_ = false;
  std::function<void(uint64_t)> directory_revision_;
  protocol::Dispatcher<int> control_;
  protocol::Dispatcher<int> publish_;
};

}  // namespace herd::agent
