#include "bus/zap.hpp"

#include <array>

namespace herd::bus {

ZapHandler::ZapHandler(Context& context, Policy policy)
    : socket_(context, zmq::socket_type::rep, "ZAP handler"), policy_(std::move(policy)) {
  socket_.raw().bind("inproc://zeromq.zap.01");
}

std::size_t ZapHandler::handle_pending() {
  std::size_t handled = 0;
  while (auto request = socket_.receive(16)) {
    ++handled;
    // Frames: version, request id, domain, address, routing id, mechanism, credentials...
    const auto& f = request->frames;
    ZapVerdict verdict;
    std::string request_id;
    if (f.size() >= 6 && request->frame(0) == "1.0") {
      request_id = std::string(request->frame(1));
      ZapRequest r{std::string(request->frame(2)), std::string(request->frame(3)),
                   std::string(request->frame(5)), {}};
      if (r.mechanism == "CURVE" && f.size() >= 7 && f[6].size() == 32) {
        std::array<char, 41> z85{};
        zmq_z85_encode(z85.data(), static_cast<const uint8_t*>(f[6].data()), 32);
        r.client_key = z85.data();
      }
      verdict = policy_(r);
    } else {
      verdict.reason = "malformed ZAP request";
    }
    const std::string_view code = verdict.allow ? "200" : "400";
    const std::string_view text = verdict.allow ? "OK" : "refused";
    socket_.send({"1.0", request_id, code, text, verdict.allow ? verdict.user_id : "", ""});
  }
  return handled;
}

}  // namespace herd::bus
