#include "agent/session.hpp"

namespace herd::agent {

Session::Session(Identity identity, const Clock& clock) : identity_(std::move(identity)), clock_(clock) {
  control_.on<protocol::Welcome>([this](const protocol::Envelope&, const protocol::Welcome& w, const int&) {
    welcomed_epoch_ = w.epoch;
    epoch_changed_ = false;
    contact();
    if (directory_revision_ && w.directory_revision) directory_revision_(*w.directory_revision);
  });
  control_.on<protocol::Ping>([this](const protocol::Envelope&, const protocol::Ping&, const int&) { contact(); });
  publish_.on<protocol::Tick>([this](const protocol::Envelope&, const protocol::Tick& t, const int&) {
    contact();
    if (directory_revision_ && t.directory_revision) directory_revision_(*t.directory_revision);
    if (!welcomed_epoch_ || *welcomed_epoch_ != t.epoch) {
      // A controller we have not introduced ourselves to: say hello now.
      welcomed_epoch_.reset();
      epoch_changed_ = true;
    }
  });
}

protocol::Envelope Session::envelope() {
  protocol::Envelope e;
  e.sender = identity_.node;
  e.seq = ++seq_;
  e.time_ms = to_unix_ms(clock_.wall());
  return e;
}

void Session::contact() { last_contact_ = clock_.monotonic(); }

std::optional<std::string> Session::due_hello() {
  if (welcomed()) return std::nullopt;
  const MonoTime now = clock_.monotonic();
  if (last_hello_ && !epoch_changed_ && now - *last_hello_ < kHelloRetry) return std::nullopt;
  return protocol::encode_frame(envelope(), identity_.hello);
}

void Session::hello_sent() {
  last_hello_ = clock_.monotonic();
  epoch_changed_ = false;
}

std::string Session::heartbeat(const protocol::Heartbeat& hb) { return protocol::encode_frame(envelope(), hb); }

Status Session::on_control_frame(std::string_view bytes) {
  auto frame = protocol::decode_frame(bytes);
  if (!frame) return std::move(frame).error();
  if (frame->envelope.sender != "controller") {
    return fail("control message from \"{}\", expected \"controller\"", frame->envelope.sender.substr(0, 64));
  }
  return control_.dispatch(*frame, 0);
}

Status Session::on_publish_frame(std::string_view, std::string_view bytes) {
  auto frame = protocol::decode_frame(bytes);
  if (!frame) return std::move(frame).error();
  return publish_.dispatch(*frame, 0);
}

bool Session::controller_silent() const {
  return !last_contact_ || clock_.monotonic() - *last_contact_ >= kControllerSilence;
}

}  // namespace herd::agent
