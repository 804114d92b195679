#include "cli/events_output.hpp"

#include <nlohmann/json.hpp>

#include "cli/table.hpp"
#include "common/time_format.hpp"

namespace herd::cli {

std::string events_table(const protocol::EventsReply& reply, bool colour) {
  Table table({"TIME", "NODE", "EVENT", "DETAIL"});
  for (const auto& e : reply.events) {
    Colour c = Colour::none;
    if (e.kind == "node_down") c = Colour::red;
    if (e.kind == "node_up") c = Colour::green;
    if (e.kind == "maintenance_on") c = Colour::yellow;
    // Who did it goes with what happened: "maintenance on: kernel update [uid 0 (root)]".
    std::string detail = printable(e.detail);
    if (e.by) detail += " [" + printable(*e.by) + "]";
    table.add_row({{format_rfc3339(from_unix_ms(e.time_ms))},
                   {e.node.empty() ? "-" : printable(e.node)},
                   {printable(e.kind), c},
                   {detail}});
  }
  return table.render(colour);
}

std::string events_json(const protocol::EventsReply& reply) {
  using nlohmann::json;
  json events = json::array();
  for (const auto& e : reply.events) {
    events.push_back({{"id", e.id},
                      {"time", format_rfc3339(from_unix_ms(e.time_ms))},
                      {"node", e.node.empty() ? json(nullptr) : json(e.node)},
                      {"kind", e.kind},
                      {"detail", e.detail},
                      {"by", e.by ? json(*e.by) : json(nullptr)},
                      {"reason", e.reason ? json(*e.reason) : json(nullptr)}});
  }
  return json{{"events", std::move(events)}}.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace herd::cli
