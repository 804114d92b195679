#include "reports/change.hpp"

#include <string>

namespace herd::reports {
namespace {

// FNV-1a over the state fields, with a separator so that field boundaries
// count ("ab","c" differs from "a","bc").
class Digest {
 public:
  void add(std::string_view text) {
    for (const char c : text) mix(static_cast<unsigned char>(c));
    mix(0x1f);
  }
  void add(uint64_t value) { add(std::to_string(value)); }
  [[nodiscard]] uint64_t value() const { return hash_; }

 private:
  void mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 1099511628211ull;
  }
  uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace

uint64_t state_fingerprint(const protocol::NodeReport& report) {
  Digest d;
  d.add(static_cast<uint64_t>(report.verdict.verdict));
  for (const auto& f : report.verdict.findings) {
    d.add(f.check);
    d.add(static_cast<uint64_t>(f.level));
  }
  for (const auto& m : report.health.mounts) {
    d.add(m.path);
    d.add(static_cast<uint64_t>(m.state));
    d.add(m.read_only.value_or(false) ? 1 : 0);
  }
  for (const auto& l : report.health.links) {
    d.add(l.name);
    d.add(l.oper_state);
    d.add(l.carrier.value_or(false) ? 1 : 0);
    for (const auto& a : l.addresses) d.add(a);
  }
  if (report.health.systemd) {
    d.add(report.health.systemd->state);
    for (const auto& u : report.health.systemd->failed_units) d.add(u);
  }
  for (const auto& u : report.health.units) {
    d.add(u.name);
    d.add(u.active_state);
    d.add(u.sub_state);
  }
  if (report.health.clock) d.add(report.health.clock->synchronized ? 1 : 0);
  for (const auto& u : report.user_units) {
    d.add(u.uid);
    d.add(u.unit.name);
    d.add(u.unit.active_state);
    d.add(u.unit.sub_state);
  }
  for (const auto& e : report.errors) {
    d.add(e.collector);
    d.add(e.subject);
  }
  return d.value();
}

}  // namespace herd::reports
