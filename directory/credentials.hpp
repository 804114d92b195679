#pragma once
// Checks of the two secrets-adjacent fields: password hashes and ssh keys.
// Neither ever quotes the value back: a plaintext password typed by mistake
// must not end up in a report or a log.

#include <string>
#include <string_view>

namespace herd::directory {

// Empty when `password` is a lock ("!", "!!", "*"), a crypt(3) hash of a known
// scheme ($1$ $5$ $6$ $2a/b/y$ $y$ $gy$ $7$ $sha1$), or "!" before such a hash
// (a locked account that keeps its hash). DES hashes are refused: 13 letters
// cannot be told apart from a plaintext password.
[[nodiscard]] std::string password_problem(std::string_view password);

// Empty when `line` is an authorized_keys line: optional options, a known key
// type, base64 data whose embedded type matches, optional comment.
[[nodiscard]] std::string ssh_key_problem(std::string_view line);

}  // namespace herd::directory
