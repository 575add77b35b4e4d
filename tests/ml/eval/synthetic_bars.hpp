#pragma once
// Bar series made in tests (no dependency on the data loaders).

#include <cmath>
#include <cstdint>
#include <random>

#include "ml/market/bar.hpp"

namespace mlt::test {

/// Geometric random walk of `n` daily bars (weekdays only) with a fixed seed.
inline ml::bar_series random_walk_bars(std::size_t n, std::uint64_t seed, double daily_vol = 0.01) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  ml::bar_series s;
  s.symbol = "RW";
  s.source = "synthetic";
  s.synthetic = true;
  std::int64_t t = 946857600;  // 2000-01-03, a Monday
  double close = 100.0;
  for (std::size_t i = 0; i < n; ++i) {
    ml::bar b;
    b.time = t;
    b.open = close;
    close *= std::exp(daily_vol * z(rng));
    b.close = close;
    b.high = std::max(b.open, b.close) * (1.0 + 0.005 * u(rng));
    b.low = std::min(b.open, b.close) * (1.0 - 0.005 * u(rng));
    b.volume = 1e6 * (1.0 + u(rng));
    s.bars.push_back(b);
    t += 86400;
    if ((i + 1) % 5 == 0) t += 2 * 86400;  // skip the weekend
  }
  return s;
}

/// A series built from given closes (open = previous close, tight high/low).
inline ml::bar_series bars_from_closes(const std::vector<double>& closes) {
  ml::bar_series s;
  s.symbol = "T";
  std::int64_t t = 946857600;
  double prev = closes.empty() ? 0 : closes.front();
  for (double c : closes) {
    ml::bar b;
    b.time = t;
    b.open = prev;
    b.close = c;
    b.high = std::max(prev, c) + 0.1;
    b.low = std::min(prev, c) - 0.1;
    b.volume = 1000;
    s.bars.push_back(b);
    prev = c;
    t += 86400;
  }
  return s;
}

}  // namespace mlt::test
