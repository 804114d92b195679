#pragma once
// CURVE key files. `herd keys gen --out DIR/NAME` writes two small TOML files:
//
//   NAME.pub  (0644)  name = "node01"  public_key = "<Z85>"
//   NAME.key  (0600)  name = "node01"  public_key = "<Z85>"  secret_key = "<Z85>"
//
// The name inside the file is the identity: the controller admits a
// connection as node "node01" only if its key is the one in node01.pub.

#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"

namespace herd::bus {

struct CurveKeyPair {
  std::string name;
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters; empty for a public key file
};

[[nodiscard]] Result<CurveKeyPair> generate_keypair(const std::string& name);

// The text of NAME.key and NAME.pub.
struct KeyFileTexts {
  std::string secret;
  std::string pub;
};
[[nodiscard]] KeyFileTexts format_key_files(const CurveKeyPair& keys);

// Writes PATH.key and PATH.pub, where PATH = "DIR/NAME"; refuses to
// overwrite existing files unless `overwrite`.
[[nodiscard]] Status write_keypair(const CurveKeyPair& keys, const std::string& path, bool overwrite);

// Reads a secret key file (NAME.key) and checks the public key matches it.
[[nodiscard]] Result<CurveKeyPair> read_secret_key_file(const std::string& path);
// Reads a public key file (NAME.pub); secret_key stays empty.
[[nodiscard]] Result<CurveKeyPair> read_public_key_file(const std::string& path);

// The enrolled keys of a keys directory: every "*.pub" file whose name inside
// matches its file name. Files that are unreadable, malformed, misnamed or
// that share a key or name with another are left out and listed in
// `problems`, so one bad file does not lock every node out.
struct KeyDirectory {
  std::unordered_map<std::string, std::string> name_by_key;  // Z85 public key -> node name
  std::vector<std::string> problems;
};
[[nodiscard]] Result<KeyDirectory> load_key_directory(const std::string& dir);

}  // namespace herd::bus
