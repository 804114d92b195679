#include "protocol/reference_doc.hpp"

#include <functional>
#include <set>
#include <vector>

#include "protocol/messages.hpp"

namespace herd::protocol {
namespace {

std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

template <typename T>
struct Unwrap {
  using type = T;
};
template <typename T>
struct Unwrap<std::optional<T>> {
  using type = T;
};
template <typename T>
struct Unwrap<std::vector<T>> {
  using type = typename Unwrap<T>::type;
};
template <typename T, std::size_t N>
struct Unwrap<std::array<T, N>> {
  using type = typename Unwrap<T>::type;
};

// Writes one table and queues the tables of nested records.
struct TableWriter {
  std::string rows;
  std::vector<std::function<void(std::string&, std::set<std::string>&)>>& nested;

  template <typename T>
  void operator()(std::string_view name, const T&, std::string_view doc, Bounds bounds = {}) {
    using Value = typename Unwrap<T>::type;
    std::string type;
    if constexpr (kIsOptional<T>) {
      type = Codec<typename T::value_type>::type_name();
    } else {
      type = Codec<T>::type_name();
    }
    std::string limit;
    if (bounds.max_size != 0) limit = fmt::format(" (at most {})", bounds.max_size);
    rows += fmt::format("| `{}` | {}{} | {} | {} |\n", name, escape_cell(type), limit,
                        kIsOptional<T> ? "optional" : "required", escape_cell(doc));
    if constexpr (Record<Value>) {
      nested.push_back([](std::string& out, std::set<std::string>& done) { write_record<Value>(out, done); });
    }
  }

  template <Record R>
  static void write_record(std::string& out, std::set<std::string>& done) {
    if (!done.insert(std::string(R::kName)).second) return;
    std::vector<std::function<void(std::string&, std::set<std::string>&)>> nested;
    TableWriter writer{{}, nested};
    R value{};
    R::fields(value, writer);
    out += fmt::format("#### {}\n\n", R::kName);
    out += "| field | type | presence | meaning |\n|---|---|---|---|\n" + writer.rows + "\n";
    for (auto& n : nested) n(out, done);
  }
};

template <Record M>
void write_message(std::string& out, std::set<std::string>& done) {
  std::vector<std::function<void(std::string&, std::set<std::string>&)>> nested;
  TableWriter writer{{}, nested};
  M value{};
  M::fields(value, writer);
  out += fmt::format("### `{}`\n\n", M::kName);
  out += fmt::format("*{}*\n\n{}\n\n", channel_description(M::kChannel), M::kDoc);
  if (writer.rows.empty()) {
    out += "Body: an empty map.\n\n";
  } else {
    out += "| field | type | presence | meaning |\n|---|---|---|---|\n" + writer.rows + "\n";
  }
  for (auto& n : nested) n(out, done);
}

template <typename... M>
void write_all(std::string& out, TypeList<M...>) {
  std::set<std::string> done;
  (write_message<M>(out, done), ...);
}

}  // namespace

std::string message_reference_markdown() {
  std::string out;
  write_all(out, AllMessages{});
  return out;
}

}  // namespace herd::protocol
