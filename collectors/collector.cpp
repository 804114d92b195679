#include "collectors/collector.hpp"

namespace herd::collectors {
namespace {

// Keeps a string within the report's bounds for it, cutting on a UTF-8 boundary.
std::string bounded(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

}  // namespace

void add_error(protocol::NodeReport& report, std::string_view collector, std::string_view subject,
               const Error& error) {
  auto& errors = report.errors;
  if (errors.size() + 1 >= kMaxErrors) {
    if (errors.size() + 1 == kMaxErrors) {
      errors.push_back({"report", "", "more collector errors were dropped"});
    }
    return;
  }
  errors.push_back({bounded(collector, 32), bounded(subject, 4096), bounded(error.message, 4096)});
}

}  // namespace herd::collectors
