#include "bus/peer_credentials.hpp"

#include <charconv>

namespace herd::bus {
namespace {

template <typename T>
bool take_last_number(std::string_view& text, T& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view digits = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) return false;
  text = text.substr(0, colon);
  return true;
}

}  // namespace

std::optional<PeerCredentials> parse_ipc_peer_address(std::string_view address) {
  PeerCredentials c;
  if (!take_last_number(address, c.pid) || !take_last_number(address, c.gid) || !take_last_number(address, c.uid)) {
    return std::nullopt;
  }
  return c;
}

}  // namespace herd::bus
