#pragma once
// The field codec: every protocol struct lists its fields once, in
//
//   template <class Self, class V> static void fields(Self& self, V& v) {
//     v("uptime_ms", self.uptime_ms, "Milliseconds since the node booted.");
//   }
//
// and that one list drives the MessagePack encoder, the validating decoder and
// the tables of docs/protocol.md. A struct is a MessagePack map keyed by field
// name; unknown keys are ignored (forward compatibility), a missing required
// field or a value of the wrong type is an error naming the field's path
// ("heartbeat.load[2]: expected float, got str").

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <msgpack.hpp>

#include "common/result.hpp"

namespace herd::protocol {

// Largest string and array accepted in any field unless the field says less.
inline constexpr std::size_t kDefaultMaxString = 64 * 1024;
inline constexpr std::size_t kDefaultMaxArray = 1'000'000;

struct Bounds {
  std::size_t max_size = 0;  // 0: the default for the type
};

// A field's place in the message, built only when an error is reported.
struct PathSegment {
  const PathSegment* parent = nullptr;
  std::string_view name;  // empty for an array element
  std::size_t index = 0;
};
[[nodiscard]] std::string path_text(const PathSegment& leaf);
[[nodiscard]] std::string_view msgpack_type_name(const msgpack::object& o);
[[nodiscard]] Error type_mismatch(const PathSegment& at, std::string_view expected, const msgpack::object& got);

using Packer = msgpack::packer<msgpack::sbuffer>;

// Enumerations travel as strings; EnumNames<E>::names lists them in order.
template <typename E>
struct EnumNames;

template <typename T>
concept Enum = std::is_enum_v<T> && requires { EnumNames<T>::names; };

// A struct with a field list.
template <typename T>
concept Record = requires(T& t) { T::kName; };

template <typename T>
struct Codec;

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// ---- scalars ---------------------------------------------------------------

template <>
struct Codec<bool> {
  static std::string type_name() { return "bool"; }
  static void encode(Packer& p, bool v) { p.pack(v); }
  static Status decode(const msgpack::object& o, bool& out, const PathSegment& at, Bounds) {
    if (o.type != msgpack::type::BOOLEAN) return type_mismatch(at, "bool", o);
    out = o.via.boolean;
    return {};
  }
};

template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct Codec<T> {
  static std::string type_name() { return std::is_signed_v<T> ? "int" : "uint"; }
  static void encode(Packer& p, T v) { p.pack(v); }
  static Status decode(const msgpack::object& o, T& out, const PathSegment& at, Bounds) {
    if (o.type == msgpack::type::POSITIVE_INTEGER) {
      if (o.via.u64 > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        return fail("{}: {} is out of range for {}", path_text(at), o.via.u64, type_name());
      }
      out = static_cast<T>(o.via.u64);
      return {};
    }
    if (o.type == msgpack::type::NEGATIVE_INTEGER) {
      if constexpr (std::is_signed_v<T>) {
        if (o.via.i64 < static_cast<int64_t>(std::numeric_limits<T>::min())) {
          return fail("{}: {} is out of range for int", path_text(at), o.via.i64);
        }
        out = static_cast<T>(o.via.i64);
        return {};
      } else {
        return fail("{}: {} is negative, expected uint", path_text(at), o.via.i64);
      }
    }
    return type_mismatch(at, type_name(), o);
  }
};

template <>
struct Codec<double> {
  static std::string type_name() { return "float"; }
  static void encode(Packer& p, double v) { p.pack_double(v); }
  // Integers are accepted for float fields: many encoders write 0 for 0.0.
  static Status decode(const msgpack::object& o, double& out, const PathSegment& at, Bounds) {
    switch (o.type) {
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64: out = o.via.f64; return {};
      case msgpack::type::POSITIVE_INTEGER: out = static_cast<double>(o.via.u64); return {};
      case msgpack::type::NEGATIVE_INTEGER: out = static_cast<double>(o.via.i64); return {};
      default: return type_mismatch(at, "float", o);
    }
  }
};

template <>
struct Codec<std::string> {
  static std::string type_name() { return "str"; }
  static void encode(Packer& p, const std::string& v) { p.pack(v); }
  static Status decode(const msgpack::object& o, std::string& out, const PathSegment& at, Bounds bounds) {
    if (o.type != msgpack::type::STR) return type_mismatch(at, "str", o);
    const std::size_t max = bounds.max_size ? bounds.max_size : kDefaultMaxString;
    if (o.via.str.size > max) {
      return fail("{}: string of {} bytes exceeds the limit of {}", path_text(at), o.via.str.size, max);
    }
    out.assign(o.via.str.ptr, o.via.str.size);
    return {};
  }
};

// Opaque bytes (MessagePack bin), e.g. a whole frame carried inside another.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

template <>
struct Codec<Bytes> {
  static std::string type_name() { return "bin"; }
  static void encode(Packer& p, const Bytes& v) {
    p.pack_bin(static_cast<uint32_t>(v.data.size()));
    p.pack_bin_body(v.data.data(), static_cast<uint32_t>(v.data.size()));
  }
  static Status decode(const msgpack::object& o, Bytes& out, const PathSegment& at, Bounds bounds) {
    if (o.type != msgpack::type::BIN) return type_mismatch(at, "bin", o);
    const std::size_t max = bounds.max_size ? bounds.max_size : kDefaultMaxString;
    if (o.via.bin.size > max) {
      return fail("{}: {} bytes exceed the limit of {}", path_text(at), o.via.bin.size, max);
    }
    out.data.assign(o.via.bin.ptr, o.via.bin.size);
    return {};
  }
};

template <Enum E>
struct Codec<E> {
  static std::string type_name() {
    std::string names;
    for (std::string_view n : EnumNames<E>::names) names += fmt::format("{}\"{}\"", names.empty() ? "" : " | ", n);
    return "str: " + names;
  }
  static void encode(Packer& p, E v) {
    const auto i = static_cast<std::size_t>(v);
    const std::string_view name = i < EnumNames<E>::names.size() ? EnumNames<E>::names[i] : "unknown";
    p.pack_str(static_cast<uint32_t>(name.size()));
    p.pack_str_body(name.data(), static_cast<uint32_t>(name.size()));
  }
  static Status decode(const msgpack::object& o, E& out, const PathSegment& at, Bounds) {
    if (o.type != msgpack::type::STR) return type_mismatch(at, "str", o);
    const std::string_view got(o.via.str.ptr, o.via.str.size);
    for (std::size_t i = 0; i < EnumNames<E>::names.size(); ++i) {
      if (EnumNames<E>::names[i] == got) {
        out = static_cast<E>(i);
        return {};
      }
    }
    return fail("{}: unknown value \"{}\" (expected {})", path_text(at), got.substr(0, 64), type_name().substr(5));
  }
};

// ---- containers ------------------------------------------------------------

template <typename T>
struct Codec<std::vector<T>> {
  static std::string type_name() { return "array of " + Codec<T>::type_name(); }
  static void encode(Packer& p, const std::vector<T>& v) {
    p.pack_array(static_cast<uint32_t>(v.size()));
    for (const T& e : v) Codec<T>::encode(p, e);
  }
  static Status decode(const msgpack::object& o, std::vector<T>& out, const PathSegment& at, Bounds bounds) {
    if (o.type != msgpack::type::ARRAY) return type_mismatch(at, type_name(), o);
    const std::size_t max = bounds.max_size ? bounds.max_size : kDefaultMaxArray;
    if (o.via.array.size > max) {
      return fail("{}: array of {} elements exceeds the limit of {}", path_text(at), o.via.array.size, max);
    }
    out.clear();
    out.resize(o.via.array.size);
    for (uint32_t i = 0; i < o.via.array.size; ++i) {
      const PathSegment element{&at, {}, i};
      if (auto s = Codec<T>::decode(o.via.array.ptr[i], out[i], element, {}); !s) return s;
    }
    return {};
  }
};

template <typename T, std::size_t N>
struct Codec<std::array<T, N>> {
  static std::string type_name() { return fmt::format("array of {} {}", N, Codec<T>::type_name()); }
  static void encode(Packer& p, const std::array<T, N>& v) {
    p.pack_array(static_cast<uint32_t>(N));
    for (const T& e : v) Codec<T>::encode(p, e);
  }
  static Status decode(const msgpack::object& o, std::array<T, N>& out, const PathSegment& at, Bounds) {
    if (o.type != msgpack::type::ARRAY) return type_mismatch(at, type_name(), o);
    if (o.via.array.size != N) {
      return fail("{}: expected an array of {} elements, got {}", path_text(at), N, o.via.array.size);
    }
    for (uint32_t i = 0; i < N; ++i) {
      const PathSegment element{&at, {}, i};
      if (auto s = Codec<T>::decode(o.via.array.ptr[i], out[i], element, {}); !s) return s;
    }
    return {};
  }
};

// ---- records ---------------------------------------------------------------

namespace detail {

struct FieldCounter {
  uint32_t count = 0;
  template <typename T>
  void operator()(std::string_view, const T& value, std::string_view, Bounds = {}) {
    if constexpr (kIsOptional<T>) {
      count += value.has_value() ? 1u : 0u;
    } else {
      ++count;
    }
  }
};

struct FieldEncoder {
  Packer& packer;
  template <typename T>
  void operator()(std::string_view name, const T& value, std::string_view, Bounds = {}) {
    if constexpr (kIsOptional<T>) {
      if (!value) return;
      pack_key(name);
      Codec<typename T::value_type>::encode(packer, *value);
    } else {
      pack_key(name);
      Codec<T>::encode(packer, value);
    }
  }
  void pack_key(std::string_view name) {
    packer.pack_str(static_cast<uint32_t>(name.size()));
    packer.pack_str_body(name.data(), static_cast<uint32_t>(name.size()));
  }
};

// Walks the fields; for each one, finds its key in the map and decodes it.
struct FieldDecoder {
  const msgpack::object_map& map;
  const PathSegment& at;
  Status status{};

  const msgpack::object* find(std::string_view name) const {
    for (uint32_t i = 0; i < map.size; ++i) {
      const msgpack::object& key = map.ptr[i].key;
      if (key.type == msgpack::type::STR && std::string_view(key.via.str.ptr, key.via.str.size) == name) {
        return &map.ptr[i].val;
      }
    }
    return nullptr;
  }

  template <typename T>
  void operator()(std::string_view name, T& value, std::string_view, Bounds bounds = {}) {
    if (!status) return;
    const PathSegment field{&at, name, 0};
    const msgpack::object* o = find(name);
    if constexpr (kIsOptional<T>) {
      if (o == nullptr || o->type == msgpack::type::NIL) {
        value.reset();
        return;
      }
      value.emplace();
      status = Codec<typename T::value_type>::decode(*o, *value, field, bounds);
    } else {
      if (o == nullptr) {
        status = fail("{}: missing required field", path_text(field));
        return;
      }
      status = Codec<T>::decode(*o, value, field, bounds);
    }
  }
};

}  // namespace detail

template <Record T>
struct Codec<T> {
  static std::string type_name() { return std::string(T::kName); }
  static void encode(Packer& p, const T& value) {
    detail::FieldCounter counter;
    T::fields(value, counter);
    p.pack_map(counter.count);
    detail::FieldEncoder encoder{p};
    T::fields(value, encoder);
  }
  static Status decode(const msgpack::object& o, T& out, const PathSegment& at, Bounds) {
    if (o.type != msgpack::type::MAP) return type_mismatch(at, "map " + type_name(), o);
    detail::FieldDecoder decoder{o.via.map, at};
    T::fields(out, decoder);
    return std::move(decoder.status);
  }
};

}  // namespace herd::protocol
