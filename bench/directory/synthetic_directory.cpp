#include "bench/directory/synthetic_directory.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace herd::bench {
namespace {

constexpr std::string_view kHash =
    "$6$Qm9vZ3xy$Lf0V6K9pNELEghMUwPo6XxS2vK96nsqlF3Fy0Yk3FdfKN8iDYpCxBvC7vgsUVQAb0IsYxd28iUzYSmPKKtN0d.";

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) | static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// An ed25519 public key line whose 32 key bytes derive from (user, key).
std::string ed25519_key(uint32_t user, uint32_t key) {
  std::string blob("\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
  uint64_t x = (uint64_t{user} << 32 | key) * 0x9E3779B97F4A7C15ULL + 1;
  for (int i = 0; i < 32; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    blob += static_cast<char>(x & 0xff);
  }
  return fmt::format("ssh-ed25519 {} u{:05}@host{}", base64(blob), user, key);
}

std::string group_name(uint32_t g) { return fmt::format("g{:04}", g); }

}  // namespace

protocol::DirectoryUser synthetic_user(uint32_t i, const Shape& shape) {
  protocol::DirectoryUser u;
  u.name = fmt::format("u{:05}", i);
  u.uid = 20'000 + i;
  u.primary_group = group_name(i % shape.groups);
  u.groups = {group_name((i + 1) % shape.groups), group_name((i + 7) % shape.groups)};
  u.password = std::string(kHash);
  u.gecos = fmt::format("User {},Lab {},,", i, i % 97);
  u.home = "/home/" + u.name;
  for (uint32_t k = 0; k < shape.keys_per_user; ++k) u.ssh_authorized_keys.push_back(ed25519_key(i, k));
  return u;
}

protocol::Directory synthetic_directory(const Shape& shape) {
  protocol::Directory d;
  d.managed_uid_range = {20'000, 60'000};
  d.managed_gid_range = {20'000, 60'000};
  for (uint32_t g = 0; g < shape.groups; ++g) d.groups.push_back({group_name(g), 20'000 + g, {}});
  for (uint32_t i = 0; i < shape.users; ++i) d.users.push_back(synthetic_user(i, shape));
  return d;
}

std::string to_yaml(const protocol::Directory& d) {
  std::string out = fmt::format("managed_uid_range: [{}, {}]\nmanaged_gid_range: [{}, {}]\n", d.managed_uid_range[0],
                                d.managed_uid_range[1], d.managed_gid_range[0], d.managed_gid_range[1]);
  out += "groups:\n";
  for (const auto& g : d.groups) out += fmt::format("  - {{name: {}, gid: {}}}\n", g.name, g.gid);
  out += "users:\n";
  for (const auto& u : d.users) {
    out += fmt::format("  - name: {}\n    uid: {}\n    primary_group: {}\n    groups: [{}]\n    password: \"{}\"\n"
                       "    gecos: \"{}\"\n    ssh_authorized_keys:\n",
                       u.name, u.uid, u.primary_group, fmt::join(u.groups, ", "), u.password, u.gecos);
    for (const auto& k : u.ssh_authorized_keys) out += fmt::format("      - \"{}\"\n", k);
  }
  return out;
}

void make_base_root(const std::string& root) {
  std::filesystem::create_directories(root + "/etc");
  auto write = [&](const char* name, const char* text) { std::ofstream(root + "/etc/" + name) << text; };
  write("passwd",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  write("shadow", "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n");
  write("group", "root:x:0:\ndaemon:x:1:\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n");
  write("gshadow", "root:*::\ndaemon:*::\nshadow:*::\nusers:*::\nnogroup:*::\n");
  std::filesystem::permissions(root + "/etc/shadow", std::filesystem::perms(0640));
  std::filesystem::permissions(root + "/etc/gshadow", std::filesystem::perms(0640));
}

}  // namespace herd::bench
