#pragma once
// Shared test material: a small valid directory, real-looking ssh keys and
// hashes, and a temporary root with a minimal Debian /etc.

#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>

#include "common/atomic_file.hpp"
#include "protocol/directory_model.hpp"
#include "tests/support/temp_dir.hpp"

namespace herd::directory::test {

inline const std::string kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOy31xFA0r9gGy72aeFlJzjCEx/zbFiH9f5Yy4vSeuMZ alice@laptop";
inline const std::string kEcdsa =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPEIKuDr4aD0Ouh96LN9PaY1cYIdrJ3uzg0aul90aHe"
    "eGhQWylIZvyQnYezJvs++2mF6ltpQIVW8jNsOh7XEoI4= alice@desktop";
inline const std::string kSha512 =
    "$6$Qm9vZ3xy$Lf0V6K9pNELEghMUwPo6XxS2vK96nsqlF3Fy0Yk3FdfKN8iDYpCxBvC7vgsUVQAb0IsYxd28iUzYSmPKKtN0d.";
inline const std::string kOtherSha512 =
    "$6$c2FsdHNhbHQ$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./abcdefghijklmnopqrstuv";

inline protocol::DirectoryUser user(std::string name, uint32_t uid, std::string primary_group) {
  protocol::DirectoryUser u;
  u.name = std::move(name);
  u.uid = uid;
  u.primary_group = std::move(primary_group);
  u.home = "/home/" + u.name;
  return u;
}

// Two groups, two users, keys on alice: valid as it stands.
inline protocol::Directory small_directory() {
  protocol::Directory d;
  d.managed_uid_range = {20000, 60000};
  d.managed_gid_range = {20000, 60000};
  d.groups = {{"students", 20000, {}}, {"faculty", 20001, {"alice"}}};
  auto alice = user("alice", 20001, "faculty");
  alice.password = kSha512;
  alice.ssh_authorized_keys = {kEd25519, kEcdsa};
  alice.groups = {"students"};
  d.users = {alice, user("bob", 20002, "students")};
  return d;
}

// The unmanaged part of a Debian node's files: what apply must keep.
inline const std::string kBasePasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    "localadm:x:1000:1000:Local Admin,,,:/home/localadm:/bin/bash\n";
inline const std::string kBaseShadow =
    "root:*:19000:0:99999:7:::\n"
    "daemon:*:19000:0:99999:7:::\n"
    "nobody:*:19000:0:99999:7:::\n"
    "localadm:" + kOtherSha512 + ":19000:0:99999:7:::\n";
inline const std::string kBaseGroup =
    "root:x:0:\n"
    "daemon:x:1:\n"
    "shadow:x:42:\n"
    "nogroup:x:65534:\n"
    "localadm:x:1000:\n"
    "docker:x:999:localadm\n";
inline const std::string kBaseGshadow =
    "root:*::\n"
    "daemon:*::\n"
    "shadow:*::\n"
    "nogroup:*::\n"
    "localadm:!::\n"
    "docker:!::localadm\n";

inline void write_text(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

inline std::string read_text(const std::string& path) {
  auto text = herd::read_file(path);
  return text ? *text : std::string{};
}

// A temporary root with the base files and what pwck looks for (homes,
// shells), so its verdict is about the entries herd wrote.
class NodeRoot {
 public:
  NodeRoot() {
    write_text(dir_ / "etc/passwd", kBasePasswd);
    write_text(dir_ / "etc/shadow", kBaseShadow, 0640);
    write_text(dir_ / "etc/group", kBaseGroup);
    write_text(dir_ / "etc/gshadow", kBaseGshadow, 0640);
    for (const char* shell : {"bin/bash", "usr/sbin/nologin"}) write_text(dir_ / shell, "", 0755);
    for (const char* home : {"root", "usr/sbin", "nonexistent", "home/localadm"}) {
      std::filesystem::create_directories(dir_ / home);
    }
    write_text(dir_ / "etc/skel/.profile", "# skel\n");
  }
  [[nodiscard]] const std::string& path() const { return dir_.path(); }
  [[nodiscard]] std::string operator/(const std::string& rel) const { return dir_ / rel; }
  [[nodiscard]] std::string etc(const std::string& name) const { return dir_ / ("etc/" + name); }

 private:
  herd::test::TempDir dir_;
};

}  // namespace herd::directory::test
