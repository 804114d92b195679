#include "directory/applied_state.hpp"

#include <charconv>

#include <fmt/format.h>

#include "directory/path_template.hpp"
#include "directory/record_hash.hpp"
#include "directory/text_rules.hpp"

namespace herd::directory {
namespace {

constexpr std::string_view kHeader = "herd-directory-state 1";

// Appends without a format string: the state of 10,000 users is written
// after every apply that changes anything.
void append_number(std::string& out, uint64_t value, int base = 10) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, base);
  out.append(buffer, end);
}

// 16 hex digits, zero-padded: a digest per user line.
void append_hex16(std::string& out, uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buffer[16];
  for (int i = 15; i >= 0; --i, value >>= 4) buffer[i] = kDigits[value & 0xf];
  out.append(buffer, sizeof buffer);
}

bool parse_u64(std::string_view text, uint64_t& out, int base = 10) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

// Up to N space-separated words, the last one taking the rest of the line (a
// template may contain spaces); fixed storage: the state has a line per user.
template <std::size_t N>
struct Words {
  std::array<std::string_view, N> items{};
  std::size_t size = 0;
};
template <std::size_t N>
Words<N> words(std::string_view line, std::size_t max) {
  Words<N> out;
  while (!line.empty() && out.size + 1 < max) {
    const auto sp = line.find(' ');
    out.items[out.size++] = line.substr(0, sp);
    if (sp == std::string_view::npos) return out;
    line.remove_prefix(sp + 1);
  }
  if (!line.empty()) out.items[out.size++] = line;
  return out;
}

}  // namespace

std::string format_state(const AppliedState& state) {
  std::string out;
  out.reserve(256 + state.users.size() * 48);
  out += kHeader;
  out += "\ndirectory ";
  append_hex16(out, state.directory_digest);
  out += '\n';
  for (const FileStamp& f : state.etc_stamps) {
    out += "etc ";
    append_number(out, f.size);
    out += ' ';
    append_number(out, f.mtime_ns);
    out += ' ';
    append_number(out, f.inode);
    out += '\n';
  }
  out += "ssh_keys_dir ";
  out += state.ssh_keys_dir;
  out += '\n';
  for (const auto& m : state.managed_user_directories) {
    out += "managed_dir ";
    append_number(out, m.mode, 8);
    out += ' ';
    out += m.path;
    out += '\n';
  }
  for (const AppliedUser& u : state.users) {
    out += "user ";
    out += u.name;
    out += ' ';
    append_number(out, u.uid);
    out += ' ';
    append_hex16(out, u.digest);
    out += u.progress == Progress::complete ? " 1\n" : u.progress == Progress::quota_pending ? " q\n" : " 0\n";
  }
  return out;
}

std::optional<AppliedState> parse_state(std::string_view text) {
  AppliedState state;
  bool first = true;
  std::size_t stamps = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // truncated
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (first) {
      if (line != kHeader) return std::nullopt;
      first = false;
      continue;
    }
    const auto words_of_line = words<5>(line, line.starts_with("user ") ? 5 : line.starts_with("etc ") ? 4 : 3);
    const auto& w = words_of_line.items;
    const std::size_t count = words_of_line.size;
    // Names and templates are checked again: they decide what a removal deletes.
    if (count == 2 && w[0] == "directory") {
      if (!parse_u64(w[1], state.directory_digest, 16)) return std::nullopt;
    } else if (count == 4 && w[0] == "etc") {
      if (stamps == state.etc_stamps.size()) return std::nullopt;
      FileStamp& f = state.etc_stamps[stamps++];
      if (!parse_u64(w[1], f.size) || !parse_u64(w[2], f.mtime_ns) || !parse_u64(w[3], f.inode)) return std::nullopt;
    } else if (count == 2 && w[0] == "ssh_keys_dir") {
      if (!template_problem(w[1]).empty()) return std::nullopt;
      state.ssh_keys_dir = std::string(w[1]);
    } else if (count == 3 && w[0] == "managed_dir") {
      uint64_t mode = 0;
      if (!parse_u64(w[1], mode, 8) || mode > 07777 || !template_problem(w[2]).empty()) return std::nullopt;
      state.managed_user_directories.push_back({std::string(w[2]), static_cast<uint32_t>(mode)});
    } else if (count == 5 && w[0] == "user") {
      const Progress progress = w[4] == "1" ? Progress::complete : w[4] == "q" ? Progress::quota_pending : Progress::pending;
      AppliedUser u{std::string(w[1]), 0, 0, progress};
      uint64_t uid = 0;
      if (!name_problem(w[1]).empty() || !parse_u64(w[2], uid) || uid > UINT32_MAX || !parse_u64(w[3], u.digest, 16)) {
        return std::nullopt;
      }
      u.uid = static_cast<uint32_t>(uid);
      state.users.push_back(std::move(u));
    } else {
      return std::nullopt;
    }
  }
  if (first) return std::nullopt;
  return state;
}

uint64_t user_digest(uint64_t work, uint32_t gid, uint64_t settings) {
  Hasher h;
  h.add(work);
  h.add(gid);
  h.add(settings);
  return h.value();
}

}  // namespace herd::directory
