#include "protocol/envelope.hpp"

#include <algorithm>

namespace herd::protocol {
namespace {

// Never reference the input buffer: a Frame owns everything it points to.
bool copy_everything(msgpack::type::object_type, std::size_t, void*) { return false; }

const msgpack::object* find_key(const msgpack::object_map& map, std::string_view name) {
  for (uint32_t i = 0; i < map.size; ++i) {
    const msgpack::object& key = map.ptr[i].key;
    if (key.type == msgpack::type::STR && std::string_view(key.via.str.ptr, key.via.str.size) == name) {
      return &map.ptr[i].val;
    }
  }
  return nullptr;
}

}  // namespace

namespace detail {
void pack_envelope_head(Packer& p, const Envelope& e) {
  p.pack_map(6);
  p.pack("version");
  p.pack_array(2);
  p.pack(e.major);
  p.pack(e.minor);
  p.pack("type");
  p.pack(e.type);
  p.pack("sender");
  p.pack(e.sender);
  p.pack("seq");
  p.pack(e.seq);
  p.pack("time_ms");
  p.pack(e.time_ms);
  p.pack("body");
}
}  // namespace detail

Result<Frame> decode_frame(std::string_view bytes) {
  if (bytes.empty()) return fail("empty frame");
  Frame frame;
  // An array or map header may claim up to 2^32 entries; msgpack-c would
  // allocate for all of them before reading one. No valid frame has more
  // entries than bytes, so the frame size bounds every container.
  const std::size_t entries = std::min<std::size_t>(bytes.size(), kDefaultMaxArray);
  const msgpack::unpack_limit limit(entries, std::min(entries, kMaxMapPairs), bytes.size(), bytes.size(), 0,
                                    kMaxDepth);
  try {
    std::size_t offset = 0;
    frame.handle = msgpack::unpack(bytes.data(), bytes.size(), offset, copy_everything, nullptr, limit);
    if (offset != bytes.size()) {
      return fail("{} bytes of trailing data after the message", bytes.size() - offset);
    }
  } catch (const msgpack::insufficient_bytes&) {
    return fail("truncated MessagePack ({} bytes)", bytes.size());
  } catch (const msgpack::depth_size_overflow&) {
    return fail("MessagePack nested deeper than {} levels", kMaxDepth);
  } catch (const msgpack::size_overflow& e) {
    return fail("MessagePack container exceeds the decoder's limits ({})", e.what());
  } catch (const std::exception& e) {
    return fail("malformed MessagePack: {}", e.what());
  }

  const msgpack::object& root = frame.handle.get();
  const PathSegment top{nullptr, "envelope", 0};
  if (root.type != msgpack::type::MAP) return type_mismatch(top, "map", root);
  const msgpack::object_map& map = root.via.map;
  Envelope& e = frame.envelope;

  // The version is checked first: a message of another major version may
  // have a different shape entirely.
  const msgpack::object* version = find_key(map, "version");
  const PathSegment version_at{&top, "version", 0};
  if (version == nullptr) return fail("envelope.version: missing required field");
  if (version->type != msgpack::type::ARRAY || version->via.array.size < 1 ||
      version->via.array.ptr[0].type != msgpack::type::POSITIVE_INTEGER) {
    return fail("envelope.version: expected [major, minor] of uint, got {}", msgpack_type_name(*version));
  }
  const uint64_t major = version->via.array.ptr[0].via.u64;
  if (major != kProtocolMajor) {
    return fail("protocol version {} is not supported (this peer speaks {}.x)", major, kProtocolMajor);
  }
  e.major = kProtocolMajor;
  if (version->via.array.size >= 2) {
    const PathSegment minor_at{&version_at, {}, 1};
    if (auto s = Codec<uint32_t>::decode(version->via.array.ptr[1], e.minor, minor_at, {}); !s) {
      return std::move(s).error();
    }
  }

  const auto require = [&](std::string_view name) -> Result<const msgpack::object*> {
    const msgpack::object* o = find_key(map, name);
    if (o == nullptr) return fail("envelope.{}: missing required field", name);
    return o;
  };
  auto type = require("type");
  if (!type) return std::move(type).error();
  if (auto s = Codec<std::string>::decode(**type, e.type, {&top, "type", 0}, {kMaxTypeLength}); !s) {
    return std::move(s).error();
  }
  auto sender = require("sender");
  if (!sender) return std::move(sender).error();
  if (auto s = Codec<std::string>::decode(**sender, e.sender, {&top, "sender", 0}, {kMaxSenderLength}); !s) {
    return std::move(s).error();
  }
  auto seq = require("seq");
  if (!seq) return std::move(seq).error();
  if (auto s = Codec<uint64_t>::decode(**seq, e.seq, {&top, "seq", 0}, {}); !s) return std::move(s).error();
  auto time = require("time_ms");
  if (!time) return std::move(time).error();
  if (auto s = Codec<int64_t>::decode(**time, e.time_ms, {&top, "time_ms", 0}, {}); !s) {
    return std::move(s).error();
  }
  auto body = require("body");
  if (!body) return std::move(body).error();
  if ((*body)->type != msgpack::type::MAP) return type_mismatch({&top, "body", 0}, "map", **body);
  frame.body = **body;
  return frame;
}

}  // namespace herd::protocol
