#include "ml/market/calendar.hpp"

namespace mlt::ml {

// Howard Hinnant's days_from_civil / civil_from_days: exact for the
// proleptic Gregorian calendar, no tables, no dependence on TZ or timegm.
std::int64_t days_from_civil(int year, int month, int day) {
  std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t time_from_civil(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, month, day) * seconds_per_day + hour * 3600 + minute * 60 +
         second;
}

civil_time civil_from_time(std::int64_t t) {
  std::int64_t z = day_of(t);
  std::int64_t secs = t - z * seconds_per_day;
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  civil_time c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2 ? 1 : 0));
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  return c;
}

int days_in_month(int year, int month) {
  static const int table[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return table[month - 1];
}

int weekday(std::int64_t days) {
  // 1970-01-01 was a Thursday (4).
  std::int64_t w = (days + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

namespace {

bool is_fixed_holiday(int month, int day) {
  return (month == 1 && day == 1) || (month == 7 && day == 4) || (month == 12 && day == 25);
}

}  // namespace

bool is_business_day(std::int64_t days) {
  int w = weekday(days);
  if (w == 0 || w == 6) return false;
  civil_time c = civil_from_time(days * seconds_per_day);
  if (is_fixed_holiday(c.month, c.day)) return false;
  // Observed holidays: Friday before a Saturday holiday, Monday after a Sunday one.
  if (w == 5) {
    civil_time next = civil_from_time((days + 1) * seconds_per_day);
    if (is_fixed_holiday(next.month, next.day)) return false;
  }
  if (w == 1) {
    civil_time prev = civil_from_time((days - 1) * seconds_per_day);
    if (is_fixed_holiday(prev.month, prev.day)) return false;
  }
  return true;
}

int business_days_between(std::int64_t from_days, std::int64_t to_days) {
  int n = 0;
  for (std::int64_t d = from_days + 1; d < to_days; ++d)
    if (is_business_day(d)) ++n;
  return n;
}

}  // namespace mlt::ml
