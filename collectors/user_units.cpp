#include "collectors/user_units.hpp"

#include <unistd.h>

namespace herd::collectors {
namespace {

// The socket file of a "unix:path=..." address; empty for other transports.
std::string socket_path(const std::string& address) {
  constexpr std::string_view prefix = "unix:path=";
  if (address.compare(0, prefix.size(), prefix) != 0) return {};
  return address.substr(prefix.size(), address.find(',') == std::string::npos ? std::string::npos
                                                                               : address.find(',') - prefix.size());
}

}  // namespace

void UserUnitsCollector::collect(protocol::NodeReport& report) {
  auto users = users_();
  if (!users) {
    add_error(report, name(), "users", users.error());
    return;
  }
  const MonoTime deadline = clock_.monotonic() + config_.budget;
  for (std::size_t i = 0; i < users->size(); ++i) {
    if (clock_.monotonic() >= deadline) {
      add_error(report, name(), "users",
                fail("stopped after {} ms with {} users left", config_.budget.count(), users->size() - i));
      return;
    }
    collect_user(report, (*users)[i]);
  }
}

void UserUnitsCollector::collect_user(protocol::NodeReport& report, const UserRef& user) {
  const BusEndpoint endpoint{user_manager_address(config_.address_template, user.uid), config_.bus_daemon};
  const std::string socket = socket_path(endpoint.address);
  if (!socket.empty() && ::access(socket.c_str(), F_OK) != 0) return;  // no manager running for this user
  const std::string subject = fmt::format("uid {}", user.uid);
  auto bus = SystemdBus::connect(endpoint, config_.timeout);
  if (!bus) {
    add_error(report, name(), subject, bus.error());
    return;
  }
  // Loaded but inactive units are the manager's furniture, not the user's daemons: ask for the others.
  static const std::vector<std::string> kLive{"active", "activating", "deactivating", "reloading", "failed"};
  auto units = bus->list_units_by_patterns(kLive, config_.patterns, kMaxUnitsPerUser);
  if (!units) {
    add_error(report, name(), subject, units.error());
    return;
  }
  if (units->total > units->rows.size()) {
    add_error(report, name(), subject,
              fail("the manager listed {} units; {} reported", units->total, units->rows.size()));
  }
  for (auto& row : units->rows) {
    auto since = bus->state_change_ms(row.object_path);
    if (since) {
      row.state.since_ms = *since;
    } else {
      add_error(report, name(), subject, since.error());
    }
    report.user_units.push_back(protocol::UserUnit{user.uid, std::move(row.state)});
  }
}

}  // namespace herd::collectors
