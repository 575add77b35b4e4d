#pragma once
/// Cron expressions for schedules: parsing and next fire time in a fixed UTC
/// offset. Pure functions of their arguments (no wall clock, no machine TZ).
///
/// Five fields, as in Vixie cron: minute hour day-of-month month day-of-week.
///   - `*`, numbers, lists `1,15`, ranges `1-10`, steps `*/15`, `1-10/2`, `5/20`
///     (= 5-max/20);
///   - month names jan..dec, day names sun..sat (case-insensitive; also in ranges);
///   - day-of-week 0 and 7 are both Sunday (`fri-sun` = 5-7);
///   - when day-of-month and day-of-week are both restricted (neither field
///     starts with `*`), a day matches if EITHER matches (Vixie rule);
///   - macros @yearly @annually @monthly @weekly @daily @midnight @hourly.
/// Extension (used by tests to fire within seconds): six fields with a leading
/// seconds field, e.g. `*/5 * * * * *`. Five-field expressions fire at second 0.

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

namespace mlt::config {

/// A parsed cron expression: one bit per allowed value of each field.
struct cron_expr {
  std::bitset<60> seconds;   ///< 0..59; only bit 0 for five-field expressions
  std::bitset<60> minutes;   ///< 0..59
  std::bitset<24> hours;     ///< 0..23
  std::bitset<32> days;      ///< day of month 1..31 (bit 0 unused)
  std::bitset<13> months;    ///< 1..12 (bit 0 unused)
  std::bitset<7> weekdays;   ///< 0..6, 0 = Sunday
  bool days_star = false;    ///< day-of-month field started with `*`
  bool weekdays_star = false;  ///< day-of-week field started with `*`
  bool has_seconds = false;  ///< the six-field form was used
};

/// Parses; on failure returns std::nullopt and sets `error` to a clear message.
std::optional<cron_expr> parse_cron(const std::string& text, std::string& error);

/// First fire time strictly after `after` (UTC seconds since epoch), for a
/// schedule in a fixed UTC offset of `offset_minutes`; std::nullopt if none within 5 years.
std::optional<std::int64_t> next_fire(const cron_expr& e, std::int64_t after_utc_seconds, int offset_minutes);

/// "+05:30" / "-04:00" / "UTC" -> minutes; false if malformed.
bool parse_utc_offset(const std::string& text, int& minutes);

/// True when the calendar day (y, m 1..12, d 1..31) matches the day fields.
bool cron_day_matches(const cron_expr& e, int year, int month, int day);

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int year, int month, int day);

/// Inverse of days_from_civil.
void civil_from_days(std::int64_t days, int& year, int& month, int& day);

}  // namespace mlt::config
