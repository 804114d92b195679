#include "directory/credentials.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <algorithm>

#include <fmt/format.h>

namespace herd::directory {
namespace {

// ---- crypt(3) hashes -------------------------------------------------------

// A table rather than comparisons: every user's hash is checked on a first apply.
constexpr std::array<bool, 256> kCryptChars = [] {
  std::array<bool, 256> t{};
  for (unsigned c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/';
  }
  return t;
}();

bool is_crypt_char(char c) { return kCryptChars[static_cast<unsigned char>(c)]; }

bool all_crypt_chars(std::string_view s) {
  for (char c : s) {
    if (!is_crypt_char(c)) return false;
  }
  return true;
}

// At most kMax parts are kept (more than any scheme has); size() counts all.
struct Parts {
  static constexpr std::size_t kMax = 6;
  std::array<std::string_view, kMax> items{};
  std::size_t count = 0;
  [[nodiscard]] std::size_t size() const { return count; }
  [[nodiscard]] std::string_view operator[](std::size_t i) const { return items[i]; }
  [[nodiscard]] std::string_view front() const { return items[0]; }
  [[nodiscard]] std::string_view back() const { return items[std::min(count, kMax) - 1]; }
};

// Without allocating: every user's hash is checked on a first apply.
Parts split(std::string_view s, char sep) {
  Parts parts;
  for (;;) {
    const auto at = s.find(sep);
    if (parts.count < Parts::kMax) parts.items[parts.count] = s.substr(0, at);
    ++parts.count;
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "$id$..." after the leading '$' is removed.
bool is_crypt_hash(std::string_view body) {
  const auto parts = split(body, '$');
  const std::string_view id = parts.front();
  const std::string_view digest = parts.back();
  if (id == "1" || id == "5" || id == "6") {
    // $id$[rounds=N$]salt$digest
    const std::size_t want = id == "1" ? 22 : id == "5" ? 43 : 86;
    if (parts.size() == 4 && !(parts[1].starts_with("rounds=") && is_digits(parts[1].substr(7)))) return false;
    if (parts.size() != 3 && parts.size() != 4) return false;
    const std::string_view salt = parts[parts.size() - 2];
    return salt.size() <= 16 && all_crypt_chars(salt) && digest.size() == want && all_crypt_chars(digest);
  }
  if (id == "2a" || id == "2b" || id == "2y") {
    // $2b$NN$<22 salt><31 digest>
    return parts.size() == 3 && parts[1].size() == 2 && is_digits(parts[1]) && digest.size() == 53 &&
           all_crypt_chars(digest);
  }
  if (id == "y" || id == "gy" || id == "7") {
    // $y$params$salt$digest
    return parts.size() == 4 && !parts[1].empty() && all_crypt_chars(parts[1]) && all_crypt_chars(parts[2]) &&
           digest.size() == 43 && all_crypt_chars(digest);
  }
  if (id == "sha1") {
    // $sha1$rounds$salt$digest
    return parts.size() == 4 && is_digits(parts[1]) && all_crypt_chars(parts[2]) && digest.size() == 28 &&
           all_crypt_chars(digest);
  }
  return false;
}

// ---- ssh keys -----------------------------------------------------------------

constexpr std::array<std::string_view, 16> kKeyTypes{
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-dss",
    "ssh-ed25519-cert-v01@openssh.com",
    "ssh-rsa-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    "sk-ssh-ed25519-cert-v01@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ssh-dss-cert-v01@openssh.com",
};

bool is_key_type(std::string_view t) {
  for (std::string_view k : kKeyTypes) {
    if (k == t) return true;
  }
  return false;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The first blank, or npos (string_view::find_first_of calls a search of
// the set per character: the slowest part of checking 20,000 keys).
std::size_t find_blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_blank(s[i])) return i;
  }
  return std::string_view::npos;
}

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// The options field ends at the first blank outside double quotes; nullopt
// when a quote is left open.
std::optional<std::size_t> options_end(std::string_view s) {
  bool in_quotes = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && in_quotes && i + 1 < s.size()) {
      ++i;
    } else if (s[i] == '"') {
      in_quotes = !in_quotes;
    } else if (is_blank(s[i]) && !in_quotes) {
      return i;
    }
  }
  if (in_quotes) return std::nullopt;
  return s.size();
}

// A table rather than comparisons: 20,000 keys of ~70 base64 characters are
// checked on a first apply.
constexpr std::array<int8_t, 256> kBase64 = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (std::size_t i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<int8_t>(i);
    t['a' + i] = static_cast<int8_t>(26 + i);
  }
  for (std::size_t i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(52 + i);
  t['+'] = 62;
  t['/'] = 63;
  return t;
}();

int base64_value(char c) { return kBase64[static_cast<unsigned char>(c)]; }

// Strict base64 (padded to a multiple of 4); decodes the first bytes into
// `out`, which is all the type check needs, and validates every character.
struct Prefix {
  std::array<unsigned char, 4 + 64> bytes{};
  std::size_t size = 0;
};
bool base64_prefix(std::string_view text, Prefix& out) {
  std::size_t data_end = text.size();
  while (data_end > 0 && text[data_end - 1] == '=') --data_end;
  if (text.size() - data_end > 2 || text.size() % 4 != 0 || data_end == 0) return false;
  // Every character is checked in one branch-free pass; only the prefix the
  // type check needs is decoded, four characters to three bytes.
  int invalid = 0;
  for (std::size_t i = 0; i < data_end; ++i) invalid |= base64_value(text[i]);
  if (invalid < 0) return false;
  const auto v = [&](std::size_t i) { return static_cast<uint32_t>(base64_value(text[i])); };
  std::size_t i = 0;
  for (; i + 4 <= data_end && out.size + 3 <= out.bytes.size(); i += 4) {
    const uint32_t group = (v(i) << 18) | (v(i + 1) << 12) | (v(i + 2) << 6) | v(i + 3);
    out.bytes[out.size++] = static_cast<unsigned char>(group >> 16);
    out.bytes[out.size++] = static_cast<unsigned char>(group >> 8);
    out.bytes[out.size++] = static_cast<unsigned char>(group);
  }
  // The last, padded group: two or three characters give one or two bytes.
  if (const std::size_t left = data_end - i; left >= 2 && left < 4 && out.size + 2 <= out.bytes.size()) {
    const uint32_t group = (v(i) << 18) | (v(i + 1) << 12) | (left == 3 ? v(i + 2) << 6 : 0);
    out.bytes[out.size++] = static_cast<unsigned char>(group >> 16);
    if (left == 3) out.bytes[out.size++] = static_cast<unsigned char>(group >> 8);
  }
  return true;
}

}  // namespace

std::string password_problem(std::string_view password) {
  if (password == "!" || password == "!!" || password == "*") return {};
  std::string_view hash = password;
  if (hash.starts_with('!')) hash.remove_prefix(1);
  if (hash.size() > 1 && hash.front() == '$' && is_crypt_hash(hash.substr(1))) return {};
  return "is neither a crypt(3) hash ($6$..., $y$..., $2b$...) nor a lock (\"!\", \"*\"); plaintext passwords "
         "are refused";
}

std::string ssh_key_problem(std::string_view line) {
  std::string_view rest = skip_blanks(line);
  if (rest.empty()) return "is empty";
  std::size_t end = find_blank(rest);
  std::string_view type = rest.substr(0, end);
  if (!is_key_type(type)) {
    // Not a key type: the first field is the options; the type follows.
    const auto opts_end = options_end(rest);
    if (!opts_end) return "has an unterminated quote in its options";
    rest = skip_blanks(rest.substr(*opts_end));
    end = find_blank(rest);
    const std::string_view second = rest.substr(0, end);
    if (!is_key_type(second)) {
      // Name the word that was meant as the type: the first one, unless it
      // reads like options (from="...", no-pty,...).
      const bool looks_like_options = type.find_first_of("=\",") != std::string_view::npos;
      return fmt::format("has an unknown key type \"{}\" (known: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521, "
                         "sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com, ssh-dss, and their "
                         "-cert-v01@openssh.com forms)",
                         (looks_like_options && !second.empty() ? second : type).substr(0, 64));
    }
    type = second;
  }
  rest = end == std::string_view::npos ? std::string_view{} : skip_blanks(rest.substr(end));
  const std::string_view data = rest.substr(0, find_blank(rest));
  if (data.empty()) return fmt::format("has no key data after \"{}\"", type);
  Prefix blob;
  if (!base64_prefix(data, blob)) return fmt::format("has key data that is not valid base64 (after \"{}\")", type);
  // The blob starts with the key type as an SSH string: uint32 length, bytes.
  if (blob.size < 4) return "has key data too short to be a key";
  const auto* b = blob.bytes.data();
  const std::size_t n = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3];
  const std::string_view embedded(reinterpret_cast<const char*>(b) + 4, blob.size - 4);
  if (n != type.size() || embedded.substr(0, n) != type) {
    return fmt::format("has key data that is not a \"{}\" key", type);
  }
  return {};
}

}  // namespace herd::directory
