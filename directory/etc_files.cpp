#include "directory/etc_files.hpp"

#include <array>
#include <charconv>

namespace herd::directory {
namespace {

// Splits into exactly N fields; false when the count differs.
template <std::size_t N>
bool split_fields(std::string_view line, std::array<std::string_view, N>& out, std::size_t& found) {
  found = 0;
  for (;;) {
    const auto colon = line.find(':');
    if (found < N) out[found] = line.substr(0, colon);
    ++found;
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  return found == N;
}

bool is_opaque(std::string_view line) {
  if (line.empty()) return true;
  const char c = line.front();
  return c == '#' || c == '+' || c == '-';
}

bool parse_id(std::string_view text, uint32_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// Runs `make` on the fields of each entry line; collects every error.
template <typename Entry, std::size_t N, typename Make>
Result<EtcTable<Entry>> parse_table(std::string_view text, std::string_view label, Make make) {
  EtcTable<Entry> table;
  std::string errors;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    EtcLine<Entry> line{raw, number, std::nullopt};
    if (!is_opaque(raw)) {
      std::array<std::string_view, N> f{};
      std::size_t found = 0;
      std::string problem;
      if (!split_fields(raw, f, found)) {
        problem = fmt::format("expected {} fields separated by ':', found {}", N, found);
      } else if (f[0].empty()) {
        problem = "empty name";
      } else {
        Entry e{};
        problem = make(f, e);
        if (problem.empty()) line.entry = e;
      }
      if (!problem.empty()) {
        if (!errors.empty()) errors += '\n';
        errors += fmt::format("{}:{}: {}", label, number, problem);
      }
    }
    table.push_back(line);
  }
  if (!errors.empty()) return Error{std::move(errors)};
  return table;
}

std::string id_problem(std::string_view what, std::string_view text) {
  return fmt::format("{} \"{}\" is not a number", what, text.substr(0, 32));
}

}  // namespace

Result<EtcTable<PasswdEntry>> parse_passwd(std::string_view text, std::string_view label) {
  return parse_table<PasswdEntry, 7>(text, label, [](const auto& f, PasswdEntry& e) -> std::string {
    e = {f[0], f[1], 0, 0, f[4], f[5], f[6]};
    if (!parse_id(f[2], e.uid)) return id_problem("uid", f[2]);
    if (!parse_id(f[3], e.gid)) return id_problem("gid", f[3]);
    return {};
  });
}

Result<EtcTable<ShadowEntry>> parse_shadow(std::string_view text, std::string_view label) {
  return parse_table<ShadowEntry, 9>(text, label, [](const auto& f, ShadowEntry& e) -> std::string {
    // The aging fields are kept as one view: from field 4 to the end.
    const std::size_t aging_start = static_cast<std::size_t>(f[3].data() - f[0].data());
    const std::string_view line(f[0].data(), static_cast<std::size_t>(f[8].data() + f[8].size() - f[0].data()));
    e = {f[0], f[1], f[2], line.substr(aging_start)};
    return {};
  });
}

Result<EtcTable<GroupEntry>> parse_group(std::string_view text, std::string_view label) {
  return parse_table<GroupEntry, 4>(text, label, [](const auto& f, GroupEntry& e) -> std::string {
    e = {f[0], f[1], 0, f[3]};
    if (!parse_id(f[2], e.gid)) return id_problem("gid", f[2]);
    return {};
  });
}

Result<EtcTable<GshadowEntry>> parse_gshadow(std::string_view text, std::string_view label) {
  return parse_table<GshadowEntry, 4>(text, label, [](const auto& f, GshadowEntry& e) -> std::string {
    e = {f[0], f[1], f[2], f[3]};
    return {};
  });
}

}  // namespace herd::directory
