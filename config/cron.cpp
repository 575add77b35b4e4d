#include "config/cron.hpp"

#include <cctype>
#include <sstream>
#include <vector>

namespace mlt::config {

namespace {

struct field_spec {
  const char* name;
  int lo;
  int hi;
  const char* const* names;  ///< names[i] is value lo_name + i; nullptr = numbers only
  int names_base;
};

const char* const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec", nullptr};
const char* const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", nullptr};

const field_spec second_spec{"second", 0, 59, nullptr, 0};
const field_spec minute_spec{"minute", 0, 59, nullptr, 0};
const field_spec hour_spec{"hour", 0, 23, nullptr, 0};
const field_spec dom_spec{"day-of-month", 1, 31, nullptr, 0};
const field_spec month_spec{"month", 1, 12, month_names, 1};
// 7 is accepted as Sunday and folded onto 0 after parsing.
const field_spec dow_spec{"day-of-week", 0, 7, day_names, 0};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parse_value(const std::string& tok, const field_spec& f, int& out, std::string& error) {
  if (tok.empty()) return error = std::string(f.name) + ": empty value", false;
  if (std::isdigit(static_cast<unsigned char>(tok[0]))) {
    long v = 0;
    for (char c : tok) {
      if (!std::isdigit(static_cast<unsigned char>(c)))
        return error = std::string(f.name) + " value \"" + tok + "\" is not a number", false;
      v = v * 10 + (c - '0');
      if (v > 100000) break;
    }
    if (v < f.lo || v > f.hi)
      return error = std::string(f.name) + " " + tok + " out of range " + std::to_string(f.lo) + "-" +
                     std::to_string(f.hi),
             false;
    out = static_cast<int>(v);
    return true;
  }
  if (f.names) {
    auto l = lower(tok);
    for (int i = 0; f.names[i]; ++i) {
      if (l == f.names[i]) {
        out = f.names_base + i;
        return true;
      }
    }
    return error = std::string(f.name) + " name \"" + tok + "\" is not one of " +
                   (f.names == month_names ? "jan..dec" : "sun..sat"),
           false;
  }
  return error = std::string(f.name) + " value \"" + tok + "\" is not a number", false;
}

/// Parses one field into bits lo..hi of `bits` (indexed by value).
template <std::size_t N>
bool parse_field(const std::string& text, const field_spec& f, std::bitset<N>& bits, bool& star,
                 std::string& error) {
  star = !text.empty() && text[0] == '*';
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) return error = std::string(f.name) + " field \"" + text + "\" has an empty list item", false;
    int step = 1;
    auto slash = item.find('/');
    std::string range = item.substr(0, slash);
    if (slash != std::string::npos) {
      std::string s = item.substr(slash + 1);
      bool digits = !s.empty() && s.size() <= 6;
      for (char c : s) digits = digits && std::isdigit(static_cast<unsigned char>(c));
      if (!digits) return error = std::string(f.name) + " step \"" + s + "\" is not a number", false;
      step = std::stoi(s);
      if (step < 1 || step > f.hi)
        return error = std::string(f.name) + " step " + s + " out of range 1-" + std::to_string(f.hi), false;
    }
    int lo = f.lo;
    int hi = f.hi;
    if (range == "*") {
      // Whole range; `*` and `*/n` both.
    } else {
      auto dash = range.find('-');
      if (dash == std::string::npos) {
        if (!parse_value(range, f, lo, error)) return false;
        // "5/20" means 5-max/20 (cronie, Quartz); a bare "5" is just 5.
        hi = slash == std::string::npos ? lo : f.hi;
      } else {
        if (!parse_value(range.substr(0, dash), f, lo, error)) return false;
        if (!parse_value(range.substr(dash + 1), f, hi, error)) return false;
        // "fri-sun": Sunday closes a weekday range as 7, not 0.
        if (&f == &dow_spec && hi == 0 && lo > 0) hi = 7;
        if (lo > hi)
          return error = std::string(f.name) + " range \"" + range + "\" runs backwards", false;
      }
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(v));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& year, int& month, int& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2));
}

std::optional<cron_expr> parse_cron(const std::string& text, std::string& error) {
  std::string src = text;
  auto first = src.find_first_not_of(" \t");
  if (first != std::string::npos && src[first] == '@') {
    auto macro = lower(src.substr(first));
    while (!macro.empty() && std::isspace(static_cast<unsigned char>(macro.back()))) macro.pop_back();
    if (macro == "@yearly" || macro == "@annually") src = "0 0 1 1 *";
    else if (macro == "@monthly") src = "0 0 1 * *";
    else if (macro == "@weekly") src = "0 0 * * 0";
    else if (macro == "@daily" || macro == "@midnight") src = "0 0 * * *";
    else if (macro == "@hourly") src = "0 * * * *";
    else {
      error = "unknown macro \"" + macro + "\" (use @yearly, @monthly, @weekly, @daily or @hourly)";
      return std::nullopt;
    }
  }
  std::istringstream in(src);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5 && fields.size() != 6) {
    error = "expected 5 fields (minute hour day-of-month month day-of-week), got " + std::to_string(fields.size());
    return std::nullopt;
  }
  cron_expr e;
  bool star = false;
  std::size_t i = 0;
  if (fields.size() == 6) {
    e.has_seconds = true;
    if (!parse_field(fields[i++], second_spec, e.seconds, star, error)) return std::nullopt;
  } else {
    e.seconds.set(0);
  }
  if (!parse_field(fields[i++], minute_spec, e.minutes, star, error)) return std::nullopt;
  if (!parse_field(fields[i++], hour_spec, e.hours, star, error)) return std::nullopt;
  if (!parse_field(fields[i++], dom_spec, e.days, e.days_star, error)) return std::nullopt;
  if (!parse_field(fields[i++], month_spec, e.months, star, error)) return std::nullopt;
  std::bitset<8> dow;
  if (!parse_field(fields[i++], dow_spec, dow, e.weekdays_star, error)) return std::nullopt;
  for (std::size_t d = 0; d < 7; ++d) e.weekdays[d] = dow[d];
  if (dow[7]) e.weekdays.set(0);
  return e;
}

bool cron_day_matches(const cron_expr& e, int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || !e.months[static_cast<std::size_t>(month)]) return false;
  // 1970-01-01 was a Thursday (4).
  const auto wd = static_cast<std::size_t>(((days_from_civil(year, month, day) % 7) + 11) % 7);
  const bool dom = e.days[static_cast<std::size_t>(day)];
  const bool dow = e.weekdays[wd];
  if (e.days_star || e.weekdays_star) return dom && dow;
  return dom || dow;
}

std::optional<std::int64_t> next_fire(const cron_expr& e, std::int64_t after_utc_seconds, int offset_minutes) {
  const std::int64_t offset = static_cast<std::int64_t>(offset_minutes) * 60;
  const std::int64_t t = after_utc_seconds + offset + 1;  // wall-clock time in the schedule's offset
  const std::int64_t first_day = floor_div(t, 86400);
  const std::int64_t sod = t - first_day * 86400;
  const int h0 = static_cast<int>(sod / 3600);
  const int m0 = static_cast<int>(sod / 60 % 60);
  const int s0 = static_cast<int>(sod % 60);
  // Five years plus a day: leap years included, the window is never short.
  const std::int64_t last_day = first_day + 5 * 366 + 1;
  for (std::int64_t d = first_day; d <= last_day; ++d) {
    int y = 0, mo = 0, dd = 0;
    civil_from_days(d, y, mo, dd);
    if (!cron_day_matches(e, y, mo, dd)) continue;
    const bool today = d == first_day;
    for (int h = today ? h0 : 0; h < 24; ++h) {
      if (!e.hours[static_cast<std::size_t>(h)]) continue;
      const bool this_hour = today && h == h0;
      for (int m = this_hour ? m0 : 0; m < 60; ++m) {
        if (!e.minutes[static_cast<std::size_t>(m)]) continue;
        const bool this_minute = this_hour && m == m0;
        for (int s = this_minute ? s0 : 0; s < 60; ++s) {
          if (!e.seconds[static_cast<std::size_t>(s)]) continue;
          const std::int64_t local = d * 86400 + h * 3600 + m * 60 + s;
          const std::int64_t utc = local - offset;
          if (utc - after_utc_seconds > 5LL * 366 * 86400) return std::nullopt;
          return utc;
        }
      }
    }
  }
  return std::nullopt;
}

bool parse_utc_offset(const std::string& text, int& minutes) {
  const auto l = lower(text);
  if (l == "utc" || l == "z" || l == "gmt") {
    minutes = 0;
    return true;
  }
  // ±HH:MM, hours 0..14 (the real range of UTC offsets).
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return false;
  for (int i : {1, 2, 4, 5})
    if (!std::isdigit(static_cast<unsigned char>(text[static_cast<std::size_t>(i)]))) return false;
  const int hh = (text[1] - '0') * 10 + (text[2] - '0');
  const int mm = (text[4] - '0') * 10 + (text[5] - '0');
  if (hh > 14 || mm > 59 || (hh == 14 && mm > 0)) return false;
  minutes = (text[0] == '-' ? -1 : 1) * (hh * 60 + mm);
  return true;
}

}  // namespace mlt::config
