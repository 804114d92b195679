#pragma once
// Any protocol record as JSON, keyed by the same field names as on the wire
// (docs/protocol.md): optional fields that are absent are left out, enums
// are strings, bin fields are not printed. `herd node show --json` and the
// rows of `quota list --json` and `daemon status --json` use it.

#include <nlohmann/json.hpp>

#include "protocol/codec.hpp"

namespace herd::cli {

template <typename T>
nlohmann::json to_json(const T& value);

namespace detail {

struct JsonWriter {
  nlohmann::json& out;
  template <typename T>
  void operator()(std::string_view name, const T& value, std::string_view, protocol::Bounds = {}) {
    if constexpr (protocol::kIsOptional<T>) {
      if (value) out[std::string(name)] = to_json(*value);
    } else if constexpr (!std::is_same_v<T, protocol::Bytes>) {
      out[std::string(name)] = to_json(value);
    }
  }
};

}  // namespace detail

template <typename T>
nlohmann::json to_json(const T& value) {
  if constexpr (protocol::Record<T>) {
    nlohmann::json out = nlohmann::json::object();
    detail::JsonWriter writer{out};
    T::fields(value, writer);
    return out;
  } else if constexpr (protocol::Enum<T>) {
    return std::string(protocol::EnumNames<T>::names[static_cast<std::size_t>(value)]);
  } else if constexpr (requires { value.begin(); } && !std::is_same_v<T, std::string>) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : value) out.push_back(to_json(e));
    return out;
  } else {
    return nlohmann::json(value);
  }
}

}  // namespace herd::cli
