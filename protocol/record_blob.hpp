#pragma once
// A protocol record alone (no envelope) as MessagePack bytes, for storing
// it: the controller keeps directory revisions and apply results this way.

#include <string>
#include <string_view>

#include "protocol/codec.hpp"

namespace herd::protocol {

template <Record T>
[[nodiscard]] std::string encode_record(const T& value) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  Codec<T>::encode(packer, value);
  return std::string(buffer.data(), buffer.size());
}

template <Record T>
[[nodiscard]] Result<T> decode_record(std::string_view bytes) {
  T value{};
  try {
    msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
    const PathSegment root{nullptr, T::kName, 0};
    if (auto s = Codec<T>::decode(handle.get(), value, root, {}); !s) return std::move(s).error();
  } catch (const std::exception& e) {
    return fail("malformed stored {}: {}", T::kName, e.what());
  }
  return value;
}

}  // namespace herd::protocol
