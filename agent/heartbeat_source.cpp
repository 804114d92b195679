#include "agent/heartbeat_source.hpp"

#include "collectors/proc.hpp"

namespace herd::agent {

protocol::Heartbeat HeartbeatSource::sample(std::string* error) {
  const auto note = [&](const Error& e) {
    if (error != nullptr && error->empty()) *error = e.message;
  };
  if (auto up = collectors::read_uptime(proc_root_)) {
    last_.uptime_ms = static_cast<uint64_t>(up->count());
  } else {
    note(up.error());
  }
  if (auto load = collectors::read_loadavg(proc_root_)) {
    last_.load = {load->one, load->five, load->fifteen};
  } else {
    note(load.error());
  }
  if (auto mem = collectors::read_meminfo(proc_root_)) {
    last_.mem_total_bytes = mem->total_bytes;
    last_.mem_available_bytes = mem->available_bytes;
    last_.swap_total_bytes = mem->swap_total_bytes;
    last_.swap_free_bytes = mem->swap_free_bytes;
  } else {
    note(mem.error());
  }
  return last_;
}

}  // namespace herd::agent
