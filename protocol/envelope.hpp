#pragma once
// One ZeroMQ frame = one MessagePack map: the envelope fields plus "body".
//
//   {"version": [1, 0], "type": "heartbeat", "sender": "node01",
//    "seq": 42, "time_ms": 1763923445123, "body": {...}}
//
// A peer accepts messages of its own major version and ignores fields it does
// not know. On the PUB channel a topic frame precedes this frame.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "protocol/codec.hpp"

namespace herd::protocol {

inline constexpr uint32_t kProtocolMajor = 1;
inline constexpr uint32_t kProtocolMinor = 0;

// Hard limits of the decoder, whatever the socket's ZMQ_MAXMSGSIZE allows.
inline constexpr std::size_t kMaxSenderLength = 255;
inline constexpr std::size_t kMaxTypeLength = 64;
inline constexpr std::size_t kMaxMapPairs = 4096;
inline constexpr std::size_t kMaxDepth = 32;

struct Envelope {
  uint32_t major = kProtocolMajor;
  uint32_t minor = kProtocolMinor;
  std::string type;
  std::string sender;
  uint64_t seq = 0;
  int64_t time_ms = 0;
};

// A decoded envelope whose body is still MessagePack; decode_body<T> turns it
// into a typed message. Owns its memory.
struct Frame {
  Envelope envelope;
  msgpack::object_handle handle;
  msgpack::object body;
};

[[nodiscard]] Result<Frame> decode_frame(std::string_view bytes);

template <Record T>
[[nodiscard]] Result<T> decode_body(const Frame& frame) {
  T body{};
  const PathSegment root{nullptr, T::kName, 0};
  if (auto s = Codec<T>::decode(frame.body, body, root, {}); !s) return std::move(s).error();
  return body;
}

namespace detail {
void pack_envelope_head(Packer& p, const Envelope& e);
}

// Encodes `body` with the envelope's type set from T::kName.
template <Record T>
[[nodiscard]] std::string encode_frame(Envelope envelope, const T& body) {
  envelope.type = std::string(T::kName);
  msgpack::sbuffer buffer(256);
  Packer packer(buffer);
  detail::pack_envelope_head(packer, envelope);
  Codec<T>::encode(packer, body);
  return std::string(buffer.data(), buffer.size());
}

}  // namespace herd::protocol
