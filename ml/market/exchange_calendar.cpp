// The exchange calendar behind is_business_day: QuantLib's NYSE calendar.
// QuantLib's headers are heavy, so this is the only file that includes them.
#include <ql/time/calendars/unitedstates.hpp>
#include <ql/version.hpp>

#include "ml/market/calendar.hpp"

namespace mlt::ml {

namespace {

// QuantLib counts days from 1899-12-30 (serial 25569 is 1970-01-01).
constexpr std::int64_t quantlib_epoch_offset = 25569;

const QuantLib::Calendar& nyse() {
  static const QuantLib::UnitedStates calendar(QuantLib::UnitedStates::NYSE);
  return calendar;
}

}  // namespace

bool is_business_day(std::int64_t days) {
  const std::int64_t serial = days + quantlib_epoch_offset;
  if (serial < QuantLib::Date::minDate().serialNumber() || serial > QuantLib::Date::maxDate().serialNumber()) {
    const int w = weekday(days);
    return w != 0 && w != 6;
  }
  return nyse().isBusinessDay(QuantLib::Date(static_cast<QuantLib::Date::serial_type>(serial)));
}

int business_days_between(std::int64_t from_days, std::int64_t to_days) {
  int n = 0;
  for (std::int64_t d = from_days + 1; d < to_days; ++d)
    if (is_business_day(d)) ++n;
  return n;
}

const char* business_calendar_name() { return "NYSE calendar (QuantLib " QL_VERSION ")"; }

}  // namespace mlt::ml
