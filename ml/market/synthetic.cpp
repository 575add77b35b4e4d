#include "ml/market/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ml/market/calendar.hpp"

namespace mlt::ml {

namespace {

// splitmix64: tiny, fast, and its output sequence is fixed by definition, so
// the synthetic market is identical across compilers and standard libraries
// (std::normal_distribution is not).
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in (0, 1).
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  double normal() {
    // Box-Muller, one value per call; the second is dropped to keep draws simple.
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

std::uint64_t mix(std::uint64_t x) {
  rng r{x};
  return r.next();
}

enum class regime { trending, mean_reverting, volatile_ };

constexpr int trading_days_per_year = 252;

double round_price(double p) {
  // Cents above a dollar, hundredths of a cent below, like real quotes.
  double scale = p >= 1.0 ? 100.0 : 10000.0;
  return std::round(p * scale) / scale;
}

std::int64_t minus_years(std::int64_t t, int years) {
  civil_time c = civil_from_time(t);
  int day = std::min(c.day, days_in_month(c.year - years, c.month));
  return time_from_civil(c.year - years, c.month, day) + seconds_per_day;
}

std::vector<bar> to_weeks(const std::vector<bar>& days) {
  std::vector<bar> weeks;
  std::int64_t current_week = INT64_MIN;
  for (const bar& b : days) {
    std::int64_t d = day_of(b.time);
    std::int64_t monday = d - ((weekday(d) + 6) % 7);
    if (monday != current_week) {
      current_week = monday;
      bar w = b;
      w.time = monday * seconds_per_day;
      weeks.push_back(w);
    } else {
      bar& w = weeks.back();
      w.high = std::max(w.high, b.high);
      w.low = std::min(w.low, b.low);
      w.close = b.close;
      w.volume += b.volume;
    }
  }
  return weeks;
}

}  // namespace

std::int64_t synthetic_default_end() { return time_from_civil(2024, 12, 31); }

std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool parse_synthetic_mode(const std::string& text, synthetic_mode& out) {
  if (text == "realistic") out = synthetic_mode::realistic;
  else if (text == "random_walk") out = synthetic_mode::random_walk;
  else if (text == "planted_signal") out = synthetic_mode::planted_signal;
  else return false;
  return true;
}

std::string to_string(synthetic_mode mode) {
  switch (mode) {
    case synthetic_mode::random_walk: return "random_walk";
    case synthetic_mode::planted_signal: return "planted_signal";
    default: return "realistic";
  }
}

namespace {

void check_spec(const synthetic_spec& spec, std::int64_t start, std::int64_t end) {
  if (start > end)
    throw data_error("synthetic market: start " + format_date(start) + " is after end " +
                     format_date(end));
  if (spec.timespan != "day" && spec.timespan != "week")
    throw data_error("synthetic market: timespan '" + spec.timespan +
                     "' is not supported (day or week)");
  if (!(std::fabs(spec.signal_strength) < 1.0))
    throw data_error("synthetic market: signal_strength must lie in (-1, 1)");
  if (spec.annual_vol < 0 || spec.annual_vol > 5)
    throw data_error("synthetic market: annual_vol must lie in [0, 5]");
  if (spec.start_price < 0) throw data_error("synthetic market: start_price must be positive");
}

// Symbol traits come from the symbol alone so the same ticker "looks" the
// same under every seed; the path comes from symbol and seed together.
struct symbol_traits {
  double annual_vol, start_price, base_volume, annual_drift;

  symbol_traits(const synthetic_spec& spec, std::uint64_t sym_hash) {
    rng traits{mix(sym_hash)};
    annual_vol = spec.annual_vol > 0 ? spec.annual_vol : 0.16 + 0.29 * traits.uniform();
    start_price =
        spec.start_price > 0 ? spec.start_price : std::exp(std::log(10.0) + std::log(30.0) * traits.uniform());
    base_volume = std::exp(std::log(5e5) + std::log(100.0) * traits.uniform());
    annual_drift = 0.02 + 0.08 * traits.uniform();
  }
};

// One day's log return and its overnight part, and the volatility the bar's
// wicks and gap scale with.
struct day_move {
  double ret = 0, gap = 0, bar_sigma = 0;
};

// The price path's state from one business day to the next.
struct path {
  const synthetic_spec& spec;
  const symbol_traits& traits;
  rng& r;
  double sigma;
  double var = sigma * sigma;

  // GARCH(1,1) with persistence 0.98, unconditional variance = var.
  const double g_alpha = 0.08, g_beta = 0.90, g_omega = var * (1.0 - g_alpha - g_beta);
  double h = var;
  double prev_eps = 0;
  double prev_ret = 0;

  regime reg = regime::trending;
  double trend_sign = 1.0;
  double anchor = std::log(traits.start_price);
  double log_price = std::log(traits.start_price);

  day_move step(double z) {
    day_move m;
    m.bar_sigma = sigma;
    switch (spec.mode) {
      case synthetic_mode::random_walk:
        m.ret = sigma * z;
        break;
      case synthetic_mode::planted_signal:
        m.ret = spec.signal_strength * prev_ret +
                sigma * std::sqrt(1.0 - spec.signal_strength * spec.signal_strength) * z;
        break;
      case synthetic_mode::realistic:
        realistic_step(z, m);
        break;
    }
    prev_ret = m.ret;
    log_price += m.ret;
    return m;
  }

  void maybe_switch_regime() {
    // Expected durations: trending ~120, mean-reverting ~80, volatile ~30 days.
    double leave = reg == regime::trending ? 1.0 / 120 : reg == regime::mean_reverting ? 1.0 / 80 : 1.0 / 30;
    if (r.uniform() < leave) {
      double u = r.uniform();
      if (reg == regime::trending) reg = u < 0.7 ? regime::mean_reverting : regime::volatile_;
      else if (reg == regime::mean_reverting) reg = u < 0.7 ? regime::trending : regime::volatile_;
      else reg = u < 0.5 ? regime::trending : regime::mean_reverting;
      trend_sign = r.uniform() < 0.6 ? 1.0 : -1.0;
      anchor = log_price;
    }
  }

  void realistic_step(double z, day_move& m) {
    if (spec.regimes) maybe_switch_regime();
    // GARCH feeds on its own innovation only: feeding the regime-scaled
    // shock back would make the volatile regime explosive (alpha*1.8^2+beta > 1).
    h = std::min(g_omega + g_alpha * prev_eps * prev_eps + g_beta * h, 25.0 * var);
    double vol = std::sqrt(h);
    prev_eps = vol * z;
    double drift = traits.annual_drift / trading_days_per_year;
    if (spec.regimes) {
      if (reg == regime::trending) drift += trend_sign * 0.30 / trading_days_per_year;
      else if (reg == regime::mean_reverting) drift += -0.05 * (log_price - anchor);
      else { vol *= 1.8; drift -= 0.10 / trading_days_per_year; }
    }
    double eps = vol * z;
    m.bar_sigma = vol;
    m.ret = drift - 0.5 * vol * vol + eps;
    if (spec.jumps && r.uniform() < 3.0 / trading_days_per_year) {
      // Jumps land overnight, in the gap between close and open.
      double jump = -0.01 + 0.06 * r.normal();
      m.ret += jump;
      m.gap += jump;
    }
  }
};

// The day's bar from its open and close, wick sizes and volume noise, rounded
// like real quotes.
bar make_bar(std::int64_t d, double open, double close, double wick_hi, double wick_lo, double vol_noise,
             const day_move& m, double sigma, double base_volume) {
  bar b;
  b.time = d * seconds_per_day;
  b.open = round_price(open);
  b.close = round_price(close);
  b.high = round_price(std::max(open, close) * std::exp(wick_hi));
  b.low = round_price(std::min(open, close) * std::exp(-wick_lo));
  // Rounding must not break low <= open, close <= high.
  b.high = std::max({b.high, b.open, b.close});
  b.low = std::min({b.low, b.open, b.close});
  if (b.low <= 0) b.low = std::min({b.open, b.close}) > 0 ? std::min(b.open, b.close) : 0.0001;
  double activity = 0.6 + 0.4 * std::fabs(m.ret) / sigma;
  b.volume = std::round(base_volume * std::exp(0.35 * vol_noise) * activity);
  return b;
}

std::string origin_of(const synthetic_spec& spec, double annual_vol) {
  std::ostringstream origin;
  origin << "synthetic generator v1 (" << to_string(spec.mode)
         << (spec.mode == synthetic_mode::realistic ? ": regime-switching GARCH(1,1) with jumps" : "")
         << (spec.mode == synthetic_mode::planted_signal ? ": AR(1) phi=" + std::to_string(spec.signal_strength) : "")
         << "), symbol " << spec.symbol << ", seed " << spec.seed << ", annual vol "
         << static_cast<int>(std::round(annual_vol * 100)) << "%";
  return origin.str();
}

}  // namespace

bar_series generate_synthetic(const synthetic_spec& spec) {
  const std::int64_t end = spec.end != 0 ? spec.end : synthetic_default_end();
  const std::int64_t start = spec.start != 0 ? spec.start : minus_years(end, 10);
  check_spec(spec, start, end);

  const std::uint64_t sym_hash = stable_hash(spec.symbol);
  const symbol_traits traits(spec, sym_hash);
  rng r{mix(sym_hash ^ mix(spec.seed + 0x5eed))};
  const double sigma = traits.annual_vol / std::sqrt(static_cast<double>(trading_days_per_year));
  path walk{spec, traits, r, sigma};
  double prev_close = traits.start_price;

  const std::int64_t default_epoch = time_from_civil(2000, 1, 3);
  const std::int64_t epoch_day = day_of(std::min(default_epoch, start));
  const std::int64_t start_day = day_of(start), end_day = day_of(end);

  std::vector<bar> bars;
  bars.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, end_day - start_day)) * 5 / 7 + 8);
  for (std::int64_t d = epoch_day; d <= end_day; ++d) {
    if (!is_business_day(d)) continue;
    day_move m = walk.step(r.normal());
    // Part of the day's move happens overnight.
    m.gap += 0.3 * m.bar_sigma * r.normal();
    double close = std::exp(walk.log_price);
    double open = prev_close * std::exp(m.gap);
    double wick_hi = std::fabs(r.normal()) * 0.5 * m.bar_sigma;
    double wick_lo = std::fabs(r.normal()) * 0.5 * m.bar_sigma;
    double vol_noise = r.normal();
    prev_close = close;
    if (d < start_day) continue;
    bars.push_back(make_bar(d, open, close, wick_hi, wick_lo, vol_noise, m, sigma, traits.base_volume));
  }

  bar_series s;
  s.symbol = spec.symbol;
  s.timespan = spec.timespan;
  s.source = "synthetic";
  s.synthetic = true;
  s.origin = origin_of(spec, traits.annual_vol);
  s.bars = spec.timespan == "week" ? to_weeks(bars) : std::move(bars);
  return s;
}

}  // namespace mlt::ml
