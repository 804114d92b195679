#include "cli/keys_output.hpp"

#include "cli/record_json.hpp"
#include "cli/table.hpp"
#include "common/time_format.hpp"

namespace herd::cli {

namespace {
std::string when(int64_t ms) { return format_rfc3339(from_unix_ms(ms)); }
}  // namespace

std::string keys_list_table(const protocol::KeysListReply& reply, bool colour) {
  std::string out = fmt::format("Enrolled keys ({}):\n", reply.enrolled.size());
  Table enrolled({"NODE", "FINGERPRINT"});
  for (const auto& e : reply.enrolled) enrolled.add_row({{printable(e.node)}, {printable(e.fingerprint)}});
  out += enrolled.render(colour);
  out += fmt::format("\nOther keys (enrolment = \"{}\"):\n", printable(reply.enrolment));
  if (reply.keys.empty()) return out + "none\n";
  Table others({"NODE", "FINGERPRINT", "STATE", "ADDRESS", "FIRST SEEN", "LAST SEEN", "ATTEMPTS", "NOTE"});
  for (const auto& k : reply.keys) {
    Colour c = Colour::yellow;
    std::string note;
    if (k.state == protocol::KeyState::pending) {
      note = k.conflict ? "node enrolled with another key: revoke it first" : "herd keys accept " + k.node;
      if (k.node.empty()) note = "has not said its name";
    } else {
      c = Colour::red;
      note = fmt::format("by {} at {}", k.decided_by.value_or("?"), when(k.decided_ms.value_or(0)));
    }
    const std::string_view state = protocol::EnumNames<protocol::KeyState>::names[static_cast<std::size_t>(k.state)];
    others.add_row({{k.node.empty() ? "-" : printable(k.node)},
                    {printable(k.fingerprint)},
                    {std::string(state), c},
                    {printable(k.address)},
                    {when(k.first_seen_ms)},
                    {when(k.last_seen_ms)},
                    {std::to_string(k.attempts)},
                    {printable(note)}});
  }
  return out + others.render(colour);
}

std::string keys_list_json(const protocol::KeysListReply& reply) {
  return to_json(reply).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string key_decision_text(const protocol::KeyDecisionReply& reply) {
  return printable(reply.node) + ": " + printable(reply.detail) + "\n";
}

}  // namespace herd::cli
