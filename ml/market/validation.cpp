#include "ml/market/validation.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "ml/market/calendar.hpp"

namespace mlt::ml {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string when(const bar_series& s, std::int64_t t) {
  return s.timespan == "day" || s.timespan == "week" || s.timespan == "month" ? format_date(t)
                                                                               : format_datetime(t);
}

[[noreturn]] void fail(const bar_series& s, std::size_t i, const std::string& what) {
  throw data_error(s.symbol + " (" + s.source + (s.origin.empty() ? "" : ", " + s.origin) +
                   "): bar " + std::to_string(i + 1) + " (" + when(s, s.bars[i].time) +
                   "): " + what);
}

bool finite(double v) { return std::isfinite(v); }

// Overnight ratios that a stock split or reverse split would produce.
constexpr double split_ratios[] = {1.5, 2, 3, 4, 5, 6, 7, 8, 10, 15, 20, 25, 30, 40, 50};

/// Nonzero split factor (k or -k for a reverse split) when `ratio` is near one.
double split_like(double ratio) {
  for (double k : split_ratios) {
    double tol = k < 2 ? 0.02 : 0.04;
    if (std::fabs(ratio / k - 1.0) < tol) return k;
    // A +50% overnight jump is more often news (a takeover bid) than a 2:3
    // reverse split, which is rare; only larger reverse ratios count.
    if (k >= 2 && std::fabs(ratio * k - 1.0) < tol) return -k;
  }
  return 0;
}

std::string split_text(double k) {
  auto fmt = [](double v) { return v == std::floor(v) ? std::to_string(static_cast<long>(v)) : num(v); };
  if (k == 1.5) return "3:2 split";
  if (k == -1.5) return "2:3 reverse split";
  return k > 0 ? fmt(k) + ":1 split" : "1:" + fmt(-k) + " reverse split";
}

void add_capped(bar_series& s, std::vector<std::string>& found, const std::string& kind) {
  constexpr std::size_t shown = 5;
  for (std::size_t i = 0; i < found.size() && i < shown; ++i) s.warnings.push_back(found[i]);
  if (found.size() > shown)
    s.warnings.push_back(std::to_string(found.size() - shown) + " more " + kind + " not listed");
}

}  // namespace

void validate_series(bar_series& s) {
  const auto& b = s.bars;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const bar& x = b[i];
    if (!finite(x.open) || !finite(x.high) || !finite(x.low) || !finite(x.close))
      fail(s, i, "price is NaN or infinite");
    if (!finite(x.volume)) fail(s, i, "volume is NaN or infinite");
    if (x.open <= 0 || x.high <= 0 || x.low <= 0 || x.close <= 0)
      fail(s, i, "non-positive price (open " + num(x.open) + ", high " + num(x.high) + ", low " +
                     num(x.low) + ", close " + num(x.close) + ")");
    if (x.volume < 0) fail(s, i, "negative volume " + num(x.volume));
    if (x.low > x.open || x.low > x.close)
      fail(s, i, "low " + num(x.low) + " is above open " + num(x.open) + " or close " + num(x.close));
    if (x.high < x.open || x.high < x.close)
      fail(s, i, "high " + num(x.high) + " is below open " + num(x.open) + " or close " + num(x.close));
    if (i > 0 && x.time == b[i - 1].time) fail(s, i, "duplicate timestamp");
    if (i > 0 && x.time < b[i - 1].time)
      fail(s, i, "timestamp goes back in time (previous bar " + when(s, b[i - 1].time) + ")");
  }

  std::vector<std::string> gaps, splits;
  for (std::size_t i = 1; i < b.size(); ++i) {
    std::int64_t d0 = day_of(b[i - 1].time), d1 = day_of(b[i].time);
    if (s.timespan == "week") {
      if (d1 - d0 > 21)
        gaps.push_back("gap of " + std::to_string(d1 - d0) + " days between " + when(s, b[i - 1].time) +
                       " and " + when(s, b[i].time));
    } else if (s.timespan != "month" && d1 > d0) {
      // The exchange calendar knows every holiday and closure, so any day it
      // says the market traded and the data lacks is a hole.
      int missing = business_days_between(d0, d1);
      if (missing >= 1)
        gaps.push_back("gap of " + std::to_string(missing) + " trading day" + (missing == 1 ? "" : "s") +
                       " between " + format_date(b[i - 1].time) + " and " + format_date(b[i].time) +
                       ", judged by the " + business_calendar_name());
    }
    if (d1 > d0) {
      double ratio = b[i - 1].close / b[i].open;
      double k = split_like(ratio);
      if (k != 0)
        splits.push_back("possible unadjusted " + split_text(k) + " on " + format_date(b[i].time) +
                         ": close " + num(b[i - 1].close) + " then open " + num(b[i].open));
    }
  }
  add_capped(s, gaps, "gaps");
  add_capped(s, splits, "split-like jumps");
}

}  // namespace mlt::ml
