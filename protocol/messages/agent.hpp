#pragma once
// Messages between an agent and the controller: hello/welcome, heartbeats,
// and the controller's tick on the publish channel.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/channel.hpp"
#include "protocol/codec.hpp"

namespace herd::protocol {

struct Hello {
  static constexpr std::string_view kName = "hello";
  static constexpr Channel kChannel = Channel::agent_to_controller;
  static constexpr std::string_view kDoc =
      "Sent by an agent when it starts, and again whenever it sees a controller epoch it has not been "
      "welcomed by (the controller restarted). The controller answers with `welcome`.";

  std::string agent_version;
  std::string hostname;
  uint64_t instance = 0;
  int64_t boot_time_ms = 0;
  uint32_t cpus = 0;
  uint64_t heartbeat_interval_ms = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("agent_version", self.agent_version, "herd version of the agent, e.g. \"0.1.0\".", Bounds{64});
    v("hostname", self.hostname, "The node's kernel hostname (informational; identity is the key's name).",
      Bounds{255});
    v("instance", self.instance, "Random number drawn when the agent process starts; a new value means the agent restarted.");
    v("boot_time_ms", self.boot_time_ms, "When the node booted, ms since the Unix epoch.");
    v("cpus", self.cpus, "Online CPUs.");
    v("heartbeat_interval_ms", self.heartbeat_interval_ms, "How often this agent sends `heartbeat`.");
  }
};

struct Welcome {
  static constexpr std::string_view kName = "welcome";
  static constexpr Channel kChannel = Channel::controller_to_agent;
  static constexpr std::string_view kDoc = "The controller's answer to `hello`.";

  uint64_t epoch = 0;
  std::string controller_version;
  uint64_t down_after_ms = 0;
  std::optional<uint64_t> directory_revision;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("epoch", self.epoch, "Random number drawn when the controller starts; changes on every controller restart.");
    v("controller_version", self.controller_version, "herd version of the controller.", Bounds{64});
    v("down_after_ms", self.down_after_ms, "Silence after which the controller shows a node down.");
    v("directory_revision", self.directory_revision,
      "The current directory revision; an agent that has another asks for a snapshot.");
  }
};

struct Heartbeat {
  static constexpr std::string_view kName = "heartbeat";
  static constexpr Channel kChannel = Channel::agent_to_controller;
  static constexpr std::string_view kDoc =
      "Sent every `heartbeat_interval` (default 1 s). Not acknowledged: silence for `down_after` is what "
      "marks a node down. Never queued while disconnected.";

  uint64_t uptime_ms = 0;
  std::array<double, 3> load{};
  uint64_t mem_total_bytes = 0;
  uint64_t mem_available_bytes = 0;
  uint64_t swap_total_bytes = 0;
  uint64_t swap_free_bytes = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("uptime_ms", self.uptime_ms, "Time since the node booted.");
    v("load", self.load, "Load averages over 1, 5 and 15 minutes.");
    v("mem_total_bytes", self.mem_total_bytes, "MemTotal.");
    v("mem_available_bytes", self.mem_available_bytes, "MemAvailable.");
    v("swap_total_bytes", self.swap_total_bytes, "SwapTotal.");
    v("swap_free_bytes", self.swap_free_bytes, "SwapFree.");
  }
};

struct Ping {
  static constexpr std::string_view kName = "ping";
  static constexpr Channel kChannel = Channel::controller_to_agent;
  static constexpr std::string_view kDoc =
      "Sent to a node whose heartbeat is overdue (1.5 heartbeat intervals), to learn whether its connection "
      "still exists: if libzmq reports it gone, the node is shown down at once rather than after "
      "`down_after`. Agents need not answer; the next heartbeat is the answer.";

  template <class Self, class V>
  static void fields(Self&, V&) {}
};

struct Tick {
  static constexpr std::string_view kName = "tick";
  static constexpr Channel kChannel = Channel::publish;
  static constexpr std::string_view kDoc =
      "Published every second on topic `all/`. Tells agents the controller is alive and which epoch it is "
      "in; an agent that sees a new epoch sends `hello` again.";

  uint64_t epoch = 0;
  std::optional<uint64_t> directory_revision;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("epoch", self.epoch, "The controller's current epoch (see `welcome`).");
    v("directory_revision", self.directory_revision,
      "The current directory revision: an idle agent that missed an update sees it is behind.");
  }
};

}  // namespace herd::protocol
