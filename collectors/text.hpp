#pragma once
// Small strict helpers shared by the parsers: a number either parses whole
// or not at all, so "12abc" or "-1" never becomes a plausible value.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace herd::collectors::text {

// Splits off the next token separated by spaces or tabs (stops at a newline).
[[nodiscard]] inline std::string_view next_token(std::string_view& text) {
  std::size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  std::size_t end = start;
  while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\n') ++end;
  const std::string_view token = text.substr(start, end - start);
  text.remove_prefix(end);
  return token;
}

// Splits off the next line (without its '\n').
[[nodiscard]] inline std::string_view next_line(std::string_view& text) {
  const auto newline = text.find('\n');
  const std::string_view line = text.substr(0, newline);
  text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  return line;
}

[[nodiscard]] inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

template <typename T>
[[nodiscard]] bool to_unsigned(std::string_view token, T& out) {
  if (token.empty() || token.front() == '-' || token.front() == '+') return false;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  return ec == std::errc{} && end == token.data() + token.size();
}

template <typename T>
[[nodiscard]] std::optional<T> unsigned_value(std::string_view token) {
  T value{};
  if (!to_unsigned(token, value)) return std::nullopt;
  return value;
}

// Finite and not negative.
[[nodiscard]] inline bool to_double(std::string_view token, double& out) {
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  return ec == std::errc{} && end == token.data() + token.size() && std::isfinite(out) && out >= 0;
}

}  // namespace herd::collectors::text
