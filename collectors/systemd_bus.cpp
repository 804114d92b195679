#include "collectors/systemd_bus.hpp"

#include <cstdlib>
#include <cstring>

namespace herd::collectors {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";

struct ErrorGuard {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  ~ErrorGuard() { sd_bus_error_free(&error); }
  [[nodiscard]] std::string text(int rc) const {
    if (sd_bus_error_is_set(&error)) return fmt::format("{}: {}", error.name, error.message ? error.message : "");
    return std::strerror(-rc);
  }
};

struct MessageGuard {
  sd_bus_message* message = nullptr;
  ~MessageGuard() { sd_bus_message_unref(message); }
};

Status append_strings(sd_bus_message* m, const std::vector<std::string>& strings) {
  int rc = sd_bus_message_open_container(m, 'a', "s");
  for (std::size_t i = 0; rc >= 0 && i < strings.size(); ++i) rc = sd_bus_message_append(m, "s", strings[i].c_str());
  if (rc >= 0) rc = sd_bus_message_close_container(m);
  if (rc < 0) return fail("cannot build the request: {}", std::strerror(-rc));
  return {};
}

bool plausible(const char* text, std::size_t max) { return text != nullptr && ::strnlen(text, max + 1) <= max; }

}  // namespace

std::string user_manager_address(std::string_view pattern, uint32_t uid) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'U') {
      out += std::to_string(uid);
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

Result<SystemdBus> SystemdBus::connect(const BusEndpoint& endpoint, std::chrono::milliseconds timeout) {
  sd_bus* raw = nullptr;
  if (int rc = sd_bus_new(&raw); rc < 0) return fail("sd_bus_new: {}", std::strerror(-rc));
  SystemdBus bus(raw, endpoint.address);
  int rc = sd_bus_set_address(raw, endpoint.address.c_str());
  if (rc >= 0) rc = sd_bus_set_bus_client(raw, endpoint.bus_daemon ? 1 : 0);
  if (rc >= 0) rc = sd_bus_set_method_call_timeout(raw, static_cast<uint64_t>(timeout.count()) * 1000);
  if (rc >= 0) rc = sd_bus_start(raw);
  if (rc < 0) return fail("cannot connect to {}: {}", endpoint.address, std::strerror(-rc));
  return bus;
}

Result<std::string> SystemdBus::system_state() {
  ErrorGuard error;
  char* value = nullptr;
  const int rc =
      sd_bus_get_property_string(bus_.get(), kService, kManagerPath, kManager, "SystemState", &error.error, &value);
  if (rc < 0) return fail("{}: SystemState: {}", address_, error.text(rc));
  std::string state = value;
  std::free(value);
  if (state.size() > kMaxUnitState) return fail("{}: SystemState of {} bytes", address_, state.size());
  return state;
}

Result<SystemdBus::UnitList> SystemdBus::list(const char* method, const std::vector<std::string>* first,
                                              const std::vector<std::string>* second, std::size_t keep) {
  MessageGuard request, reply;
  ErrorGuard error;
  int rc = sd_bus_message_new_method_call(bus_.get(), &request.message, kService, kManagerPath, kManager, method);
  if (rc < 0) return fail("{}: {}: {}", address_, method, std::strerror(-rc));
  for (const auto* strings : {first, second}) {
    if (strings == nullptr) continue;
    if (auto s = append_strings(request.message, *strings); !s) return context(std::move(s).error(), "{}", method);
  }
  rc = sd_bus_call(bus_.get(), request.message, 0, &error.error, &reply.message);
  if (rc < 0) return fail("{}: {}: {}", address_, method, error.text(rc));

  // a(ssssssouso): name, description, load, active, sub, following, path, job id, job type, job path
  UnitList list;
  rc = sd_bus_message_enter_container(reply.message, 'a', "(ssssssouso)");
  while (rc > 0) {
    const char *name = nullptr, *description = nullptr, *load = nullptr, *active = nullptr, *sub = nullptr,
               *following = nullptr, *path = nullptr, *job_type = nullptr, *job_path = nullptr;
    uint32_t job_id = 0;
    rc = sd_bus_message_read(reply.message, "(ssssssouso)", &name, &description, &load, &active, &sub, &following,
                             &path, &job_id, &job_type, &job_path);
    if (rc <= 0) break;
    ++list.total;
    if (list.rows.size() >= keep || !plausible(name, kMaxUnitName) || !plausible(load, kMaxUnitState) ||
        !plausible(active, kMaxUnitState) || !plausible(sub, kMaxUnitState)) {
      continue;
    }
    list.rows.push_back(UnitRow{protocol::UnitState{name, load, active, sub, std::nullopt}, path});
  }
  if (rc < 0) return fail("{}: {}: unexpected reply: {}", address_, method, std::strerror(-rc));
  rc = sd_bus_message_exit_container(reply.message);
  if (rc < 0) return fail("{}: {}: unexpected reply: {}", address_, method, std::strerror(-rc));
  return list;
}

Result<SystemdBus::UnitList> SystemdBus::list_units_filtered(const std::vector<std::string>& states, std::size_t keep) {
  return list("ListUnitsFiltered", &states, nullptr, keep);
}

Result<SystemdBus::UnitList> SystemdBus::list_units_by_patterns(const std::vector<std::string>& states,
                                                                const std::vector<std::string>& patterns,
                                                                std::size_t keep) {
  return list("ListUnitsByPatterns", &states, &patterns, keep);
}

Result<SystemdBus::UnitList> SystemdBus::list_units_by_names(const std::vector<std::string>& names) {
  return list("ListUnitsByNames", &names, nullptr, names.size());
}

Result<std::optional<int64_t>> SystemdBus::state_change_ms(const std::string& object_path) {
  ErrorGuard error;
  uint64_t usec = 0;
  const int rc = sd_bus_get_property_trivial(bus_.get(), kService, object_path.c_str(), "org.freedesktop.systemd1.Unit",
                                             "StateChangeTimestamp", &error.error, 't', &usec);
  if (rc < 0) return fail("{}: StateChangeTimestamp of {}: {}", address_, object_path, error.text(rc));
  if (usec == 0 || usec == UINT64_MAX) return std::optional<int64_t>{};
  return std::optional<int64_t>{static_cast<int64_t>(usec / 1000)};
}

}  // namespace herd::collectors
