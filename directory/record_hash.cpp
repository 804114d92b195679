#include "directory/record_hash.hpp"

#include <cstring>
#include <type_traits>

namespace herd::directory {
namespace {

// wyhash's constants and 128-bit multiply-fold: one multiply mixes 16 bytes.
constexpr uint64_t kP0 = 0xa0761d6478bd642fULL;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;

// GCC and Clang on 64-bit targets; __extension__ keeps -Wpedantic quiet.
__extension__ using U128 = unsigned __int128;

inline uint64_t mix(uint64_t a, uint64_t b) {
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Feeds one record's fields, routing its password fields to a second hasher
// so that a password change is told apart from a change of the per-user files.
struct FieldFeeder {
  Hasher& main;
  Hasher* password = nullptr;

  void feed(Hasher& h, const std::string& s) { h.add(s); }
  void feed(Hasher& h, bool b) { h.add(b ? 1u : 0u); }
  template <typename T>
    requires std::is_integral_v<T> || std::is_enum_v<T>
  void feed(Hasher& h, T v) {
    h.add(static_cast<uint64_t>(v));
  }
  template <typename T, std::size_t N>
  void feed(Hasher& h, const std::array<T, N>& a) {
    for (const T& v : a) feed(h, v);
  }
  template <typename T>
  void feed(Hasher& h, const std::vector<T>& list) {
    h.add(list.size());
    for (const T& v : list) feed(h, v);
  }
  template <typename T>
    requires requires(const T& t, FieldFeeder& f) { T::fields(t, f); }
  void feed(Hasher& h, const T& record) {
    FieldFeeder nested{h, nullptr};
    T::fields(record, nested);
  }

  template <typename T>
  void operator()(std::string_view name, const T& value, std::string_view, protocol::Bounds = {}) {
    const bool secret = password != nullptr && (name == "password" || name == "update_password");
    feed(secret ? *password : main, value);
  }
};

}  // namespace

void Hasher::add(uint64_t value) { h_ = mix(h_ ^ value ^ kP0, kP1); }

// wyhash's way with the last bytes: fixed-size loads that may overlap, so
// no copy of a variable length (most fields are names of a few bytes).
void Hasher::add(std::string_view bytes) {
  const char* p = bytes.data();
  const std::size_t n = bytes.size();
  uint64_t h = h_ ^ mix(n ^ kP0, kP1);
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 4) {
      const std::size_t step = (n >> 3) << 2;
      a = (load4(p) << 32) | load4(p + step);
      b = (load4(p + n - 4) << 32) | load4(p + n - 4 - step);
    } else if (n > 0) {
      a = (uint64_t{static_cast<unsigned char>(p[0])} << 16) | (uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) |
          static_cast<unsigned char>(p[n - 1]);
    }
  } else {
    std::size_t left = n;
    for (; left > 16; p += 16, left -= 16) h = mix(load8(p) ^ kP1, load8(p + 8) ^ h);
    a = load8(p + left - 16);
    b = load8(p + left - 8);
  }
  h_ = mix(a ^ kP1, b ^ h ^ kP2);
}

uint64_t Hasher::value() const { return mix(h_ ^ kP2, kP0); }

RecordHashes hash_records(const protocol::Directory& d) {
  RecordHashes out;
  Hasher settings;
  FieldFeeder{settings}.feed(settings, d.ssh_keys_dir);
  FieldFeeder{settings}.feed(settings, d.managed_user_directories);
  FieldFeeder{settings}.feed(settings, d.create_home);
  out.settings = settings.value();
  Hasher ranges;
  FieldFeeder{ranges}.feed(ranges, d.managed_uid_range);
  FieldFeeder{ranges}.feed(ranges, d.managed_gid_range);
  out.ranges = ranges.value();

  Hasher all;
  all.add(out.settings);
  all.add(out.ranges);
  all.add(d.users.size());
  out.user_work.reserve(d.users.size());
  out.user_record.reserve(d.users.size());
  for (const protocol::DirectoryUser& u : d.users) {
    Hasher work, password;
    FieldFeeder feeder{work, &password};
    protocol::DirectoryUser::fields(u, feeder);
    const uint64_t w = work.value();
    const uint64_t record = mix(w ^ kP0, password.value() ^ kP2);
    out.user_work.push_back(w);
    out.user_record.push_back(record);
    all.add(record);
  }
  all.add(d.groups.size());
  out.group_record.reserve(d.groups.size());
  for (const protocol::DirectoryGroup& g : d.groups) {
    Hasher h;
    FieldFeeder feeder{h};
    protocol::DirectoryGroup::fields(g, feeder);
    out.group_record.push_back(h.value());
    all.add(h.value());
  }
  out.directory = all.value();
  return out;
}

}  // namespace herd::directory
