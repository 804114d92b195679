#pragma once
// The sockets of herd, one factory per role, each with the options that role
// needs at 10,000 peers (see docs/architecture.md "Sockets"). CURVE is always
// on for agent channels, whatever the transport.

#include <chrono>
#include <string>
#include <vector>

#include "bus/curve_keys.hpp"
#include "bus/socket.hpp"

namespace herd::bus {

// ZAP domains: the controller's policy tells agent connections (CURVE) from
// local clients (NULL over ipc, identified by their uid).
inline constexpr std::string_view kAgentDomain = "herd-agents";
// The publish channel has its own domain: a key waiting for enrolment may
// say its name on the agent channel, but must never hear a publication.
inline constexpr std::string_view kPublishDomain = "herd-publish";
inline constexpr std::string_view kLocalDomain = "herd-local";

// Largest frame accepted on each channel (ZMQ_MAXMSGSIZE): bigger frames
// close the connection inside libzmq before herd sees a byte.
inline constexpr int64_t kMaxAgentFrame = 16 << 20;    // reports, acks
inline constexpr int64_t kMaxControlFrame = 64 << 20;  // snapshots to agents
inline constexpr int64_t kMaxQueryFrame = 64 << 20;    // directory files from admins

struct ReconnectPolicy {
  // libzmq waits ivl + random(0, ivl) before a reconnect attempt and doubles
  // ivl after each failure up to `max`; herd draws each agent's starting ivl
  // from [min, 2*min) so that a restarted controller is not hit by every
  // agent in the same instant.
  std::chrono::milliseconds min{1000};
  std::chrono::milliseconds max{30000};
};

// Controller side.
[[nodiscard]] Result<Socket> bind_agent_router(Context& context, const std::string& endpoint,
                                               const CurveKeyPair& server);
// An XPUB: it publishes like a PUB, and hands up every subscription with the
// connection's User-Id and source fd (XPUB_VERBOSE), so the controller knows
// which TCP connection belongs to which node (see close_tcp_connection).
[[nodiscard]] Result<Socket> bind_publisher(Context& context, const std::string& endpoint,
                                            const CurveKeyPair& server);
// Local query socket (ipc://PATH): the file is made accessible to every
// local user; what each may ask is decided per request from its uid.
[[nodiscard]] Result<Socket> bind_query_router(Context& context, const std::string& endpoint,
                                               int64_t max_frame = kMaxQueryFrame);

// Agent side. `reconnect_ivl` comes from pick_reconnect_interval().
[[nodiscard]] Result<Socket> connect_agent_dealer(Context& context, const std::string& endpoint,
                                                  const CurveKeyPair& client, const std::string& server_public,
                                                  std::chrono::milliseconds reconnect_ivl,
                                                  std::chrono::milliseconds reconnect_max);
[[nodiscard]] Result<Socket> connect_subscriber(Context& context, const std::string& endpoint,
                                                const CurveKeyPair& client, const std::string& server_public,
                                                std::chrono::milliseconds reconnect_ivl,
                                                std::chrono::milliseconds reconnect_max,
                                                const std::vector<std::string>& topics);

// Client side (herd CLI, console): a DEALER to a local query socket.
[[nodiscard]] Result<Socket> connect_query_dealer(Context& context, const std::string& endpoint);

// Uniform in [policy.min, 2 * policy.min), from a random `draw` in [0, 1).
[[nodiscard]] std::chrono::milliseconds pick_reconnect_interval(const ReconnectPolicy& policy, double draw);

// For ipc:// endpoints, the socket file's path; empty for other transports.
[[nodiscard]] std::string ipc_path(const std::string& endpoint);

}  // namespace herd::bus
