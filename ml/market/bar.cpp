#include "ml/market/bar.hpp"

#include <algorithm>
#include <vector>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "ml/market/calendar.hpp"

namespace mlt::ml {

std::string bar_size_words(const bar_series& series) {
  const auto& b = series.bars;
  if (b.size() < 2) {
    if (series.timespan == "minute") return "1-minute";
    if (series.timespan == "hour") return "hourly";
    if (series.timespan == "week") return "weekly";
    if (series.timespan == "month") return "monthly";
    return "daily";
  }
  // The median spacing ignores nights, weekends and holidays.
  std::vector<std::int64_t> gaps;
  gaps.reserve(std::min<std::size_t>(b.size() - 1, 2000));
  for (std::size_t i = 1; i < b.size() && gaps.size() < 2000; ++i) gaps.push_back(b[i].time - b[i - 1].time);
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  const std::int64_t med = gaps[gaps.size() / 2];
  constexpr std::int64_t day = 86400;
  if (med < 3600) {
    const std::int64_t m = std::max<std::int64_t>(1, (med + 30) / 60);
    return std::to_string(m) + "-minute";
  }
  if (med < day) {
    const std::int64_t h = (med + 1800) / 3600;
    return h <= 1 ? "hourly" : std::to_string(h) + "-hour";
  }
  if (med < 6 * day) return "daily";
  if (med < 25 * day) return "weekly";
  return "monthly";
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string format_date(std::int64_t t) {
  civil_time c = civil_from_time(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::string format_datetime(std::int64_t t) {
  civil_time c = civil_from_time(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day,
                c.hour, c.minute, c.second);
  return buf;
}

bool parse_datetime_view(std::string_view text, std::int64_t& out) {
  int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (text.size() < 10 || !digits(text, 0, 4, y) || text[4] != '-' || !digits(text, 5, 2, m) ||
      text[7] != '-' || !digits(text, 8, 2, d))
    return false;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
  std::size_t pos = 10;
  if (pos < text.size() && (text[pos] == ' ' || text[pos] == 'T')) {
    if (!digits(text, pos + 1, 2, hh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, mm))
      return false;
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits(text, pos + 1, 2, ss)) return false;
      pos += 3;
      // Fractional seconds are accepted and truncated: bars are second-resolution.
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t first = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == first) return false;
      }
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
    if (hh > 23 || mm > 59 || ss > 59) return false;
  }
  if (pos != text.size()) return false;
  out = time_from_civil(y, m, d, hh, mm, ss);
  return true;
}

bool parse_datetime(const std::string& text, std::int64_t& out) {
  return parse_datetime_view(text, out);
}

}  // namespace mlt::ml
