#include "common/time_format.hpp"

#include <ctime>

namespace herd {

std::string format_rfc3339(WallTime t) {
  const int64_t ms = to_unix_ms(t);
  int64_t secs = ms / 1000;
  int64_t frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

namespace {

bool read_int(std::string_view& s, int digits, int& out) {
  if (s.size() < static_cast<std::size_t>(digits)) return false;
  int v = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = s[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  s.remove_prefix(static_cast<std::size_t>(digits));
  return true;
}

bool expect(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

Result<WallTime> parse_rfc3339(std::string_view text) {
  const auto bad = [&] {
    return fail("invalid time \"{}\": expected YYYY-MM-DDTHH:MM[:SS][.fff][Z|+HH:MM]", text);
  };
  std::string_view s = text;
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_int(s, 4, year) || !expect(s, '-') || !read_int(s, 2, month) || !expect(s, '-') ||
      !read_int(s, 2, day)) {
    return bad();
  }
  if (s.empty() || (s.front() != 'T' && s.front() != ' ')) return bad();
  s.remove_prefix(1);
  if (!read_int(s, 2, hour) || !expect(s, ':') || !read_int(s, 2, minute)) return bad();
  if (!s.empty() && s.front() == ':') {
    s.remove_prefix(1);
    if (!read_int(s, 2, second)) return bad();
  }
  int64_t millis = 0;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    int scale = 100;
    bool any = false;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      millis += (s.front() - '0') * scale;
      scale /= 10;
      s.remove_prefix(1);
      any = true;
    }
    if (!any) return bad();
  }
  int64_t offset_minutes = 0;
  if (!s.empty()) {
    if (s == "Z" || s == "z") {
      s.remove_prefix(1);
    } else if (s.front() == '+' || s.front() == '-') {
      const int sign = s.front() == '+' ? 1 : -1;
      s.remove_prefix(1);
      int oh = 0, om = 0;
      if (!read_int(s, 2, oh) || !expect(s, ':') || !read_int(s, 2, om)) return bad();
      offset_minutes = sign * (oh * 60 + om);
    } else {
      return bad();
    }
  }
  if (!s.empty()) return bad();
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return fail("invalid time \"{}\": a field is out of range", text);
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t secs = timegm(&tm);
  // timegm normalises 31 February to 3 March; a date that moved was not valid.
  std::tm check{};
  gmtime_r(&secs, &check);
  if (check.tm_mday != day || check.tm_mon != month - 1) {
    return fail("invalid time \"{}\": no such date", text);
  }
  const int64_t unix_ms = (static_cast<int64_t>(secs) - offset_minutes * 60) * 1000 + millis;
  return from_unix_ms(unix_ms);
}

}  // namespace herd
