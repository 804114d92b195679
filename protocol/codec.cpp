#include "protocol/codec.hpp"

#include <vector>

namespace herd::protocol {

std::string path_text(const PathSegment& leaf) {
  std::vector<const PathSegment*> chain;
  for (const PathSegment* s = &leaf; s != nullptr; s = s->parent) chain.push_back(s);
  std::string text;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const PathSegment& s = **it;
    if (s.name.empty()) {
      text += fmt::format("[{}]", s.index);
    } else {
      if (!text.empty()) text += '.';
      text += s.name;
    }
  }
  return text;
}

std::string_view msgpack_type_name(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL: return "nil";
    case msgpack::type::BOOLEAN: return "bool";
    case msgpack::type::POSITIVE_INTEGER: return "uint";
    case msgpack::type::NEGATIVE_INTEGER: return "int";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return "float";
    case msgpack::type::STR: return "str";
    case msgpack::type::BIN: return "bin";
    case msgpack::type::ARRAY: return "array";
    case msgpack::type::MAP: return "map";
    case msgpack::type::EXT: return "ext";
  }
  return "unknown";
}

Error type_mismatch(const PathSegment& at, std::string_view expected, const msgpack::object& got) {
  return fail("{}: expected {}, got {}", path_text(at), expected, msgpack_type_name(got));
}

}  // namespace herd::protocol
