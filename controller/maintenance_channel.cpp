// Maintenance: admins switch it on and off on the query socket; the
// controller stores every change with its event in one transaction, keeps
// it in the node table (status, console, /metrics read it there) and ends it
// at its `until` with a timer on the event loop.

#include <spdlog/spdlog.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "controller/controller.hpp"

namespace herd::controller {

using namespace std::chrono_literals;

namespace {
// The expiry timer runs on monotonic time; an end is checked at least this
// often so a stepped wall clock delays it by no more than this.
constexpr auto kMaxExpiryWait = std::chrono::milliseconds{60s};
// After the store failed to record an expiry, try again this soon.
constexpr auto kExpiryRetry = std::chrono::milliseconds{5s};
}  // namespace

void Controller::install_maintenance_handlers() {
  query_dispatch_.on<protocol::MaintenanceSet>(
      [this](const protocol::Envelope& e, const protocol::MaintenanceSet& m, const QueryPeer& p) {
        on_maintenance_set(e, m, p);
      });
}

Status Controller::restore_maintenance() {
  auto rows = store_->load_maintenance();
  if (!rows) return std::move(rows).error();
  for (auto& [node, maintenance] : *rows) {
    if (!table_.set_maintenance(node, std::move(maintenance))) {
      spdlog::warn("maintenance of unknown node {} in {} ignored", node, config_.state_db);
    }
  }
  if (!rows->empty()) spdlog::info("{} nodes in maintenance", table_.count_in_maintenance());
  // Whatever ended while the controller was away ends now, with its event.
  end_expired_maintenance();
  return {};
}

void Controller::on_maintenance_set(const protocol::Envelope&, const protocol::MaintenanceSet& r,
                                    const QueryPeer& peer) {
  const std::string_view command = r.on ? "herd maintenance on" : "herd maintenance off";
  if (!admin_allowed(peer, command)) return;
  const std::string by = user_label(peer.caller.uid);
  const WallTime now = clock_.wall();
  auto steps = plan_maintenance(r, table_, by, now);
  if (!steps) {
    spdlog::warn("{} by {} refused: {}", command, by, steps.error().message);
    reply_error(peer, "bad_request", steps.error().message);
    return;
  }
  std::vector<EventRecord> events;
  for (const auto& step : *steps) {
    if (auto e = maintenance_event(step, by, r.reason, now)) events.push_back(std::move(*e));
  }
  if (auto s = store_->store_maintenance(*steps, events); !s) {
    spdlog::error("failed to store maintenance set by {}: {}", by, s.error().message);
    reply_error(peer, "unavailable", "the maintenance change could not be stored; nothing changed");
    return;
  }
  for (const auto& e : events) {
    const LogFields fields{{"HERD_NODE", e.node}};
    spdlog::info("node {} {} by {}", e.node, e.detail, by);
  }
  apply_maintenance(*steps);
  reply(peer, maintenance_reply(*steps));
}

void Controller::apply_maintenance(const std::vector<MaintenanceStep>& steps) {
  for (const auto& step : steps) {
    if (step.change != MaintenanceChange::unchanged) table_.set_maintenance(step.node, step.after);
  }
  arm_maintenance_expiry();
}

void Controller::arm_maintenance_expiry() {
  if (maintenance_timer_) loop_.cancel(*maintenance_timer_);
  maintenance_timer_.reset();
  const auto delay = expiry_delay(table_, clock_.wall(), kMaxExpiryWait);
  if (!delay) return;
  maintenance_timer_ = loop_.after(*delay, [this] {
    maintenance_timer_.reset();  // fired: nothing to cancel any more
    end_expired_maintenance();
  });
}

void Controller::end_expired_maintenance() {
  const WallTime now = clock_.wall();
  const auto steps = expired_maintenance(table_, now);
  if (steps.empty()) {
    arm_maintenance_expiry();
    return;
  }
  std::vector<EventRecord> events;
  events.reserve(steps.size());
  for (const auto& step : steps) events.push_back(expiry_event(step, now));
  if (auto s = store_->store_maintenance(steps, events); !s) {
    spdlog::error("failed to record the end of {} expired maintenances: {}; retrying", steps.size(),
                  s.error().message);
    if (maintenance_timer_) loop_.cancel(*maintenance_timer_);
    maintenance_timer_ = loop_.after(kExpiryRetry, [this] {
      maintenance_timer_.reset();
      end_expired_maintenance();
    });
    return;
  }
  for (const auto& e : events) {
    const LogFields fields{{"HERD_NODE", e.node}};
    spdlog::info("node {} {}", e.node, e.detail);
  }
  apply_maintenance(steps);
}

}  // namespace herd::controller
