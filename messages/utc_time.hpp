#pragma once
/// The one place that turns seconds since the epoch into UTC text.

#include <cstdint>
#include <string>

namespace mlt::msg {

/// `seconds` since the epoch as UTC, in strftime `format` (at most 63 characters out).
std::string format_utc(std::int64_t seconds, const char* format);

/// ISO 8601, for records and logs: "2026-11-29T02:30:00Z".
inline std::string utc_iso(std::int64_t seconds) { return format_utc(seconds, "%Y-%m-%dT%H:%M:%SZ"); }

/// For people, to the minute: "2026-11-29 02:30 UTC".
inline std::string utc_minutes(std::int64_t seconds) { return format_utc(seconds, "%Y-%m-%d %H:%M UTC"); }

}  // namespace mlt::msg
