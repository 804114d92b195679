#include "bus/curve_keys.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "common/atomic_file.hpp"
#include "common/config_reader.hpp"
#include "common/time_format.hpp"
#include "protocol/node_name.hpp"

namespace herd::bus {
namespace {

Status check_z85_key(const std::string& key, std::string_view what, const std::string& path) {
  std::array<uint8_t, 32> raw{};
  if (key.size() != 40 || zmq_z85_decode(raw.data(), key.c_str()) == nullptr) {
    return fail("{}: {} is not a 40-character Z85 CURVE key", path, what);
  }
  return {};
}

Result<CurveKeyPair> read_key_file(const std::string& path, bool secret) {
  auto reader = ConfigReader::open(path);
  if (!reader) return std::move(reader).error();
  CurveKeyPair keys;
  reader->required("name", keys.name);
  reader->required("public_key", keys.public_key);
  if (secret) reader->required("secret_key", keys.secret_key);
  if (auto s = reader->finish(); !s) return std::move(s).error();
  if (auto s = protocol::validate_node_name(keys.name); !s) return context(std::move(s).error(), "{}", path);
  if (auto s = check_z85_key(keys.public_key, "public_key", path); !s) return std::move(s).error();
  if (!secret) return keys;
  if (auto s = check_z85_key(keys.secret_key, "secret_key", path); !s) return std::move(s).error();
  std::array<char, 41> derived{};
  if (zmq_curve_public(derived.data(), keys.secret_key.c_str()) != 0 || keys.public_key != derived.data()) {
    return fail("{}: public_key does not belong to secret_key", path);
  }
  return keys;
}

}  // namespace

Result<CurveKeyPair> generate_keypair(const std::string& name) {
  if (auto s = protocol::validate_node_name(name); !s) return std::move(s).error();
  std::array<char, 41> pub{}, sec{};
  if (zmq_curve_keypair(pub.data(), sec.data()) != 0) {
    return fail("failed to generate a CURVE keypair: libzmq was built without CURVE support");
  }
  return CurveKeyPair{name, pub.data(), sec.data()};
}

KeyFileTexts format_key_files(const CurveKeyPair& keys) {
  const std::string stamp = format_rfc3339(std::chrono::system_clock::now());
  KeyFileTexts texts;
  texts.pub = fmt::format(
      "# herd CURVE public key of \"{}\", generated {}.\n"
      "# Enrol the node by copying this file into the controller's keys_dir as {}.pub.\n"
      "name = \"{}\"\npublic_key = \"{}\"\n",
      keys.name, stamp, keys.name, keys.name, keys.public_key);
  texts.secret = fmt::format(
      "# herd CURVE secret key of \"{}\", generated {}.\n"
      "# Secret: keep it mode 0600, on this node (or in its per-node overlay) only.\n"
      "name = \"{}\"\npublic_key = \"{}\"\nsecret_key = \"{}\"\n",
      keys.name, stamp, keys.name, keys.public_key, keys.secret_key);
  return texts;
}

Status write_keypair(const CurveKeyPair& keys, const std::string& path, bool overwrite) {
  const std::string key_path = path + ".key";
  const std::string pub_path = path + ".pub";
  if (!overwrite) {
    for (const auto& p : {key_path, pub_path}) {
      if (::access(p.c_str(), F_OK) == 0) return fail("{} already exists (use --force to replace it)", p);
    }
  }
  const KeyFileTexts texts = format_key_files(keys);
  if (auto s = write_file_atomic(key_path, texts.secret, {.mode = 0600}); !s) return s;
  return write_file_atomic(pub_path, texts.pub, {.mode = 0644});
}

Result<CurveKeyPair> read_secret_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fail("cannot read key file {}: {}", path, std::strerror(errno));
  if ((st.st_mode & 0077) != 0) {
    return fail("{}: secret key file is readable by others (mode {:o}); chmod 600 it", path, st.st_mode & 0777);
  }
  return read_key_file(path, true);
}

Result<CurveKeyPair> read_public_key_file(const std::string& path) { return read_key_file(path, false); }

Result<KeyDirectory> load_key_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return fail("cannot read keys directory {}: {}", dir, ec.message());
  KeyDirectory result;
  std::map<std::string, std::vector<CurveKeyPair>> by_key;  // sorted: deterministic problem order
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : it) {
    if (entry.path().extension() == ".pub") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // deterministic order of problems
  for (const fs::path& p : files) {
    auto keys = read_public_key_file(p.string());
    if (!keys) {
      result.problems.push_back(keys.error().message);
      continue;
    }
    if (p.stem().string() != keys->name) {
      result.problems.push_back(fmt::format("{}: name \"{}\" inside does not match the file name; ignored",
                                            p.string(), keys->name));
      continue;
    }
    by_key[keys->public_key].push_back(std::move(*keys));
  }
  for (auto& [key, owners] : by_key) {
    if (owners.size() > 1) {
      std::string names;
      for (const auto& o : owners) names += (names.empty() ? "" : ", ") + o.name;
      result.problems.push_back(fmt::format("{}: the same public key is enrolled for {}; all refused", dir, names));
      continue;
    }
    result.name_by_key.emplace(key, owners.front().name);
  }
  return result;
}

}  // namespace herd::bus
