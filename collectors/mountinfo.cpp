#include "collectors/mountinfo.hpp"

#include "collectors/collector.hpp"
#include "collectors/text.hpp"
#include "common/atomic_file.hpp"

namespace herd::collectors {
namespace {

// The kernel escapes space, tab, newline and backslash as \ooo.
bool unescape(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out += in[i];
      continue;
    }
    if (i + 3 >= in.size()) return false;
    int value = 0;
    for (std::size_t k = 1; k <= 3; ++k) {
      const char c = in[i + k];
      if (c < '0' || c > '7') return false;
      value = value * 8 + (c - '0');
    }
    if (value > 255) return false;
    out += static_cast<char>(value);
    i += 3;
  }
  return true;
}

}  // namespace

Result<std::vector<MountEntry>> parse_mountinfo(std::string_view text) {
  std::vector<MountEntry> mounts;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::string_view line = text::next_line(text);
    ++line_number;
    if (line.empty()) continue;
    auto bad = [&](std::string_view what) {
      return fail("mountinfo line {}: {} in \"{}\"", line_number, what, line.substr(0, 160));
    };
    std::string_view rest = line;
    uint32_t id = 0, parent = 0;
    if (!text::to_unsigned(text::next_token(rest), id) || !text::to_unsigned(text::next_token(rest), parent)) {
      return bad("expected mount and parent ids");
    }
    MountEntry entry;
    const std::string_view device = text::next_token(rest);
    const auto colon = device.find(':');
    if (colon == std::string_view::npos || !text::to_unsigned(device.substr(0, colon), entry.major) ||
        !text::to_unsigned(device.substr(colon + 1), entry.minor)) {
      return bad("expected major:minor");
    }
    if (!unescape(text::next_token(rest), entry.root) || !unescape(text::next_token(rest), entry.mount_point) ||
        entry.mount_point.empty() || entry.mount_point.front() != '/') {
      return bad("expected root and mount point");
    }
    const std::string_view options = text::next_token(rest);
    entry.read_only = options == "ro" || options.substr(0, 3) == "ro,";
    // Optional fields ("shared:1", "master:2") until a lone "-".
    std::string_view token;
    do {
      token = text::next_token(rest);
    } while (!token.empty() && token != "-");
    if (token != "-") return bad("no \"-\" separator");
    entry.fs_type = std::string(text::next_token(rest));
    if (entry.fs_type.empty() || !unescape(text::next_token(rest), entry.source)) return bad("expected type and source");
    mounts.push_back(std::move(entry));
  }
  return mounts;
}

const MountEntry* find_mount(const std::vector<MountEntry>& mounts, std::string_view path) {
  for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) {
    if (it->mount_point == path) return &*it;
  }
  return nullptr;
}

Result<std::vector<MountEntry>> read_mountinfo(const std::string& proc_root) {
  auto text = read_file(proc_root + "/self/mountinfo", 16u << 20);
  if (!text) return std::move(text).error();
  return parse_mountinfo(*text);
}

std::optional<std::vector<MountEntry>> mount_table(protocol::NodeReport& report, std::string_view collector,
                                                   const std::string& proc_root) {
  auto table = read_mountinfo(proc_root);
  if (!table) {
    add_error(report, collector, proc_root + "/self/mountinfo", table.error());
    return std::nullopt;
  }
  return std::move(*table);
}

}  // namespace herd::collectors
