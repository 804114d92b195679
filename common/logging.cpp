#include "common/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace herd {

Status setup_logging(std::string_view name, std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return fail("unknown log level \"{}\" (use trace, debug, info, warn, error or off)", level);
  }
  auto logger = spdlog::stderr_logger_mt(std::string(name));
  logger->set_level(parsed);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %n[%P] %l: %v");
  spdlog::set_default_logger(std::move(logger));
  return {};
}

}  // namespace herd
