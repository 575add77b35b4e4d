#pragma once
/// UTC civil-time arithmetic and the trading calendar, independent of TZ and locale.

#include <cstdint>
#include <string_view>

namespace mlt::ml {

/// A broken-down UTC time.
struct civil_time {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

/// Days since 1970-01-01 for a proleptic Gregorian date.
std::int64_t days_from_civil(int year, int month, int day);
/// Seconds since the epoch for a UTC date and time.
std::int64_t time_from_civil(int year, int month, int day, int hour = 0, int minute = 0,
                             int second = 0);
/// The UTC date and time of a timestamp.
civil_time civil_from_time(std::int64_t t);
/// Number of days in a month of a year.
int days_in_month(int year, int month);
/// Day of week for a day number: 0 = Sunday ... 6 = Saturday.
int weekday(std::int64_t days);
/// True when the New York Stock Exchange trades on that day, by QuantLib's
/// NYSE calendar: weekends, Good Friday, the Monday holidays, observed days
/// and special closures (Hurricane Sandy, national days of mourning) are
/// not. Outside QuantLib's range (1901..2199) only weekends are closed.
/// Implemented in exchange_calendar.cpp, the one file that includes QuantLib.
bool is_business_day(std::int64_t days);
/// Business days strictly between two day numbers.
int business_days_between(std::int64_t from_days, std::int64_t to_days);
/// The calendar the two functions above use, for messages:
/// "NYSE calendar (QuantLib 1.29)".
const char* business_calendar_name();

constexpr std::int64_t seconds_per_day = 86400;

/// parse_datetime on a view, without allocating (hot path of the CSV reader).
bool parse_datetime_view(std::string_view text, std::int64_t& out);

/// Floor division of a timestamp into a day number (works before 1970 too).
inline std::int64_t day_of(std::int64_t t) {
  return t >= 0 ? t / seconds_per_day : -((-t + seconds_per_day - 1) / seconds_per_day);
}

}  // namespace mlt::ml
