#include "common/config_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "common/duration.hpp"

namespace herd {

struct ConfigReader::Shared {
  std::string file;
  toml::table root;
  std::vector<std::string> errors;
};

namespace {

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

}  // namespace

Result<ConfigReader> ConfigReader::parse(std::string_view text, const std::string& name) {
  auto shared = std::make_shared<Shared>();
  shared->file = name;
  try {
    shared->root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column, e.description());
  }
  const toml::table* root = &shared->root;
  return ConfigReader(std::move(shared), root, "");
}

Result<ConfigReader> ConfigReader::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read config file {}: {}", path, std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail("cannot read config file {}: read error", path);
  return parse(text.str(), path);
}

ConfigReader::ConfigReader(std::shared_ptr<Shared> shared, const toml::table* table, std::string prefix)
    : shared_(std::move(shared)), table_(table), prefix_(std::move(prefix)) {}
ConfigReader::ConfigReader(ConfigReader&&) noexcept = default;
ConfigReader& ConfigReader::operator=(ConfigReader&&) noexcept = default;
ConfigReader::~ConfigReader() = default;

const std::string& ConfigReader::file() const { return shared_->file; }

const toml::node* ConfigReader::find(std::string_view key) {
  used_.emplace_back(key);
  return table_->get(key);
}

std::string ConfigReader::where(const toml::node* node) const {
  if (node == nullptr || node->source().begin.line == 0) return shared_->file;
  return fmt::format("{}:{}", shared_->file, node->source().begin.line);
}

void ConfigReader::type_error(std::string_view key, const toml::node* node, std::string_view expected) {
  shared_->errors.push_back(
      fmt::format("{}: {}{}: expected {}, got {}", where(node), prefix_, key, expected, type_name(*node)));
}

void ConfigReader::error(std::string_view key, std::string_view message) {
  const toml::node* node = table_->get(key);
  shared_->errors.push_back(fmt::format("{}: {}{}: {}", where(node ? node : table_), prefix_, key, message));
}

void ConfigReader::optional(std::string_view key, std::string& out) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  if (const auto* v = node->as_string()) {
    out = v->get();
  } else {
    type_error(key, node, "a string");
  }
}

void ConfigReader::required(std::string_view key, std::string& out) {
  if (table_->get(key) == nullptr) {
    used_.emplace_back(key);
    shared_->errors.push_back(fmt::format("{}: missing required key {}{}", where(table_), prefix_, key));
    return;
  }
  optional(key, out);
}

void ConfigReader::optional(std::string_view key, bool& out) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  if (const auto* v = node->as_boolean()) {
    out = v->get();
  } else {
    type_error(key, node, "true or false");
  }
}

void ConfigReader::optional(std::string_view key, int64_t& out, int64_t min, int64_t max) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  const auto* v = node->as_integer();
  if (v == nullptr) {
    type_error(key, node, "an integer");
    return;
  }
  if (v->get() < min || v->get() > max) {
    shared_->errors.push_back(
        fmt::format("{}: {}{}: {} is outside [{}, {}]", where(node), prefix_, key, v->get(), min, max));
    return;
  }
  out = v->get();
}

void ConfigReader::optional(std::string_view key, double& out, double min, double max) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  double value = 0;
  if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  } else {
    type_error(key, node, "a number");
    return;
  }
  if (!(value >= min && value <= max)) {
    shared_->errors.push_back(fmt::format("{}: {}{}: {} is outside [{}, {}]", where(node), prefix_, key, value, min, max));
    return;
  }
  out = value;
}

void ConfigReader::optional(std::string_view key, std::chrono::milliseconds& out, std::chrono::milliseconds min,
                            std::chrono::milliseconds max) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  const auto* v = node->as_string();
  if (v == nullptr) {
    type_error(key, node, "a duration string such as \"1s\" or \"250ms\"");
    return;
  }
  auto parsed = parse_duration(v->get());
  if (!parsed) {
    shared_->errors.push_back(fmt::format("{}: {}{}: {}", where(node), prefix_, key, parsed.error().message));
    return;
  }
  if (*parsed < min || *parsed > max) {
    shared_->errors.push_back(fmt::format("{}: {}{}: {} is outside [{}, {}]", where(node), prefix_, key, v->get(),
                                          format_duration(min), format_duration(max)));
    return;
  }
  out = *parsed;
}

void ConfigReader::optional(std::string_view key, std::vector<std::string>& out) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  const auto* array = node->as_array();
  if (array == nullptr) {
    type_error(key, node, "an array of strings");
    return;
  }
  std::vector<std::string> values;
  for (const toml::node& element : *array) {
    const auto* s = element.as_string();
    if (s == nullptr) {
      type_error(key, &element, "an array of strings");
      return;
    }
    values.push_back(s->get());
  }
  out = std::move(values);
}

void ConfigReader::choice(std::string_view key, std::string& out, const std::vector<std::string>& choices) {
  std::string value = out;
  optional(key, value);
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + fmt::format("\"{}\"", c);
    error(key, fmt::format("\"{}\" is not one of {}", value, list));
    return;
  }
  out = value;
}

void ConfigReader::section(std::string_view key, const std::function<void(ConfigReader&)>& read) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  const auto* table = node->as_table();
  if (table == nullptr) {
    type_error(key, node, "a table");
    return;
  }
  ConfigReader sub(shared_, table, fmt::format("{}{}.", prefix_, key));
  read(sub);
  sub.collect_unknown();
}

void ConfigReader::each_table(std::string_view key, const std::function<void(ConfigReader&)>& read) {
  const toml::node* node = find(key);
  if (node == nullptr) return;
  const auto* array = node->as_array();
  if (array == nullptr) {
    type_error(key, node, "an array of tables");
    return;
  }
  std::size_t index = 0;
  for (const toml::node& element : *array) {
    const auto* table = element.as_table();
    if (table == nullptr) {
      type_error(key, &element, "an array of tables");
      return;
    }
    ConfigReader sub(shared_, table, fmt::format("{}{}[{}].", prefix_, key, index++));
    read(sub);
    sub.collect_unknown();
  }
}

void ConfigReader::collect_unknown() {
  for (const auto& [key, node] : *table_) {
    if (std::find(used_.begin(), used_.end(), key.str()) == used_.end()) {
      shared_->errors.push_back(fmt::format("{}: unknown key {}{}", where(&node), prefix_, key.str()));
    }
  }
}

Status ConfigReader::finish() {
  collect_unknown();
  if (shared_->errors.empty()) return {};
  std::string all;
  for (const auto& e : shared_->errors) all += (all.empty() ? "" : "\n") + e;
  shared_->errors.clear();
  return Error{all};
}

}  // namespace herd
