#include "common/logging.hpp"

#include <cstdlib>
#include <mutex>
#include <sys/uio.h>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-journal.h>

namespace herd {
namespace {

std::vector<std::string>& process_fields() {
  static std::vector<std::string> fields;  // "KEY=value"; written at start-up only
  return fields;
}

thread_local std::vector<std::string> scoped_fields;

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;
    case spdlog::level::info: return 6;
    case spdlog::level::warn: return 4;
    case spdlog::level::err: return 3;
    case spdlog::level::critical: return 2;
    default: return 6;
  }
}

// Sends each message to journald natively, with herd's fields.
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JournalSink(std::string identifier) : identifier_("SYSLOG_IDENTIFIER=" + std::move(identifier)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::vector<std::string> lines;
    lines.reserve(4 + process_fields().size() + scoped_fields.size());
    lines.push_back("MESSAGE=" + std::string(msg.payload.data(), msg.payload.size()));
    lines.push_back("PRIORITY=" + std::to_string(syslog_priority(msg.level)));
    lines.push_back(identifier_);
    if (!msg.source.empty()) {
      lines.push_back(std::string("CODE_FILE=") + msg.source.filename);
      lines.push_back("CODE_LINE=" + std::to_string(msg.source.line));
    }
    for (const auto& f : process_fields()) lines.push_back(f);
    for (const auto& f : scoped_fields) lines.push_back(f);
    std::vector<iovec> iov;
    iov.reserve(lines.size());
    for (auto& l : lines) iov.push_back({l.data(), l.size()});
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
  }
  void flush_() override {}

 private:
  std::string identifier_;
};

}  // namespace

Status setup_logging(std::string_view name, std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return fail("unknown log level \"{}\" (use trace, debug, info, warn, error or off)", level);
  }
  std::shared_ptr<spdlog::logger> logger;
  const char* journal = std::getenv("JOURNAL_STREAM");
  if (journal != nullptr && *journal != '\0') {
    logger = std::make_shared<spdlog::logger>(std::string(name), std::make_shared<JournalSink>(std::string(name)));
    logger->set_pattern("%v");  // journald records time, pid and priority itself
  } else {
    logger = spdlog::stderr_logger_mt(std::string(name));
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %n[%P] %l: %v");
  }
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
  return {};
}

void set_log_field(std::string_view key, std::string_view value) {
  process_fields().push_back(std::string(key) + "=" + std::string(value));
}

LogFields::LogFields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  for (const auto& [key, value] : fields) {
    scoped_fields.push_back(std::string(key) + "=" + std::string(value));
    ++added_;
  }
}

LogFields::~LogFields() { scoped_fields.resize(scoped_fields.size() - added_); }

}  // namespace herd
