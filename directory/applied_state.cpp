#include "directory/applied_state.hpp"

#include <charconv>
#include <iterator>
#include <type_traits>

#include <fmt/format.h>

#include "directory/path_template.hpp"
#include "directory/text_rules.hpp"
#include "protocol/codec.hpp"

namespace herd::directory {
namespace {

constexpr std::string_view kHeader = "herd-directory-state 1";

// FNV-1a, 64 bits: stable across builds and machines (std::hash is not),
// and fast enough for 10,000 users in well under a millisecond.
class Fnv {
 public:
  void add(std::string_view bytes) {
    for (char c : bytes) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
  }
  [[nodiscard]] uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// Writes a record's fields into one string for hashing, except the
// password fields; each value is terminated so that no two different
// records give the same text.
struct DigestVisitor {
  std::string& out;
  template <typename T>
  void operator()(std::string_view name, const T& value, std::string_view, protocol::Bounds = {}) {
    if (name == "password" || name == "update_password") return;
    out += name;
    out += '=';
    if constexpr (std::is_same_v<T, std::string>) {
      out += value;
      out += '\0';
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      for (const std::string& s : value) {
        out += s;
        out += '\0';
      }
      out += '\1';
    } else if constexpr (std::is_same_v<T, std::vector<protocol::DiskQuota>>) {
      for (const auto& q : value) {
        fmt::format_to(std::back_inserter(out), "{}\0{}:{}:{}:{}\1", q.path, q.bytes_soft, q.bytes_hard,
                       q.inodes_soft, q.inodes_hard);
      }
      out += '\2';
    } else {
      fmt::format_to(std::back_inserter(out), "{}", static_cast<uint64_t>(value));
      out += '\0';
    }
  }
};

bool parse_u64(std::string_view text, uint64_t& out, int base = 10) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

std::vector<std::string_view> words(std::string_view line, std::size_t max) {
  std::vector<std::string_view> out;
  while (!line.empty() && out.size() + 1 < max) {
    const auto sp = line.find(' ');
    out.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) return out;
    line.remove_prefix(sp + 1);
  }
  if (!line.empty()) out.push_back(line);  // the rest: a template may contain spaces
  return out;
}

}  // namespace

std::string format_state(const AppliedState& state) {
  std::string out;
  out.reserve(64 + state.users.size() * 48);
  out += kHeader;
  out += '\n';
  out += fmt::format("directory {:016x}\n", state.directory_digest);
  for (const FileStamp& f : state.etc_stamps) out += fmt::format("etc {} {} {}\n", f.size, f.mtime_ns, f.inode);
  out += fmt::format("ssh_keys_dir {}\n", state.ssh_keys_dir);
  for (const auto& m : state.managed_user_directories) out += fmt::format("managed_dir {:o} {}\n", m.mode, m.path);
  for (const AppliedUser& u : state.users) {
    const char progress = u.progress == Progress::complete ? '1' : u.progress == Progress::quota_pending ? 'q' : '0';
    out += fmt::format("user {} {} {:016x} {}\n", u.name, u.uid, u.digest, progress);
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
    const auto w = words(line, line.starts_with("user ") ? 5 : line.starts_with("etc ") ? 4 : 3);
    // Names and templates are checked again: they decide what a removal deletes.
    if (w.size() == 2 && w[0] == "directory") {
      if (!parse_u64(w[1], state.directory_digest, 16)) return std::nullopt;
    } else if (w.size() == 4 && w[0] == "etc") {
      if (stamps == state.etc_stamps.size()) return std::nullopt;
      FileStamp& f = state.etc_stamps[stamps++];
      if (!parse_u64(w[1], f.size) || !parse_u64(w[2], f.mtime_ns) || !parse_u64(w[3], f.inode)) return std::nullopt;
    } else if (w.size() == 2 && w[0] == "ssh_keys_dir") {
      if (!template_problem(w[1]).empty()) return std::nullopt;
      state.ssh_keys_dir = std::string(w[1]);
    } else if (w.size() == 3 && w[0] == "managed_dir") {
      uint64_t mode = 0;
      if (!parse_u64(w[1], mode, 8) || mode > 07777 || !template_problem(w[2]).empty()) return std::nullopt;
      state.managed_user_directories.push_back({std::string(w[2]), static_cast<uint32_t>(mode)});
    } else if (w.size() == 5 && w[0] == "user") {
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

uint64_t settings_digest(const protocol::Directory& d) {
  msgpack::sbuffer buffer;
  protocol::Packer packer(buffer);
  packer.pack(d.ssh_keys_dir);
  protocol::Codec<std::vector<protocol::ManagedDirectory>>::encode(packer, d.managed_user_directories);
  packer.pack(d.create_home);
  Fnv h;
  h.add({buffer.data(), buffer.size()});
  return h.value();
}

uint64_t directory_digest(const protocol::Directory& d) {
  msgpack::sbuffer buffer(1 << 20);
  protocol::Packer packer(buffer);
  protocol::Codec<protocol::Directory>::encode(packer, d);
  Fnv h;
  h.add({buffer.data(), buffer.size()});
  return h.value();
}

uint64_t user_digest(const protocol::DirectoryUser& user, uint32_t gid, uint64_t settings, std::string& scratch) {
  scratch.clear();
  DigestVisitor visitor{scratch};
  protocol::DirectoryUser::fields(user, visitor);
  fmt::format_to(std::back_inserter(scratch), "{}:{}", gid, settings);
  Fnv h;
  h.add(scratch);
  return h.value();
}

}  // namespace herd::directory
