// Feature-matrix throughput: bars x features per second on ~20 years of daily
// bars (SPY_daily.csv, 1999-2020; a seeded random walk of the same length if
// the shared data is absent). Checks RSI(14) against a direct loop first.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_line.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/features/indicator_spec.hpp"
#include "ml/market/csv_reader.hpp"

namespace {

mlt::ml::bar_series load_bars(std::string& origin) {
  const std::string path = std::string(MLT_TEST_DATA_DIR) + "/SPY_daily.csv";
  try {
    origin = "SPY_daily.csv";
    return mlt::ml::parse_csv(mlt::ml::read_text_file(path), path);
  } catch (const std::exception&) {
    origin = "synthetic random walk";
    mlt::ml::bar_series s;
    std::mt19937_64 rng(1);
    std::normal_distribution<double> z(0, 0.01);
    double c = 100;
    for (int i = 0; i < 5040; ++i) {
      const double o = c;
      c *= std::exp(z(rng));
      s.bars.push_back({946857600 + 86400LL * i, o, std::max(o, c) * 1.002, std::min(o, c) * 0.998, c, 1e6});
    }
    return s;
  }
}

// RSI(14) at the last bar by the textbook recursion, independent of the library.
double reference_rsi(const mlt::ml::bar_series& s) {
  double g = 0, l = 0;
  for (int t = 1; t <= 14; ++t) {
    const double d = s.bars[t].close - s.bars[t - 1].close;
    g += std::max(d, 0.0) / 14;
    l += std::max(-d, 0.0) / 14;
  }
  for (std::size_t t = 15; t < s.bars.size(); ++t) {
    const double d = s.bars[t].close - s.bars[t - 1].close;
    g = (g * 13 + std::max(d, 0.0)) / 14;
    l = (l * 13 + std::max(-d, 0.0)) / 14;
  }
  return 100 * g / (g + l);
}

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  std::string origin;
  const auto s = load_bars(origin);
  const auto f = mlt::ml::build_default_features(s);
  const auto rsi_col = std::find(f.names.begin(), f.names.end(), "rsi_14") - f.names.begin();
  const double got = f.values(f.values.rows() - 1, rsi_col), want = reference_rsi(s);
  if (!(std::abs(got - want) < 1e-9)) {
    std::fprintf(stderr, "bench_features: rsi_14 check failed: %.12f vs %.12f\n", got, want);
    return 1;
  }
  const auto bars = static_cast<double>(s.bars.size());
  const auto cols = static_cast<double>(f.values.cols());
  double sink = 0;
  const double sec = median_seconds(15, [&] { sink += mlt::ml::build_default_features(s).values(100, 0); });
  mlt::bench::print_line("{\"name\":\"features_default\",\"value\":%.0f,\"unit\":\"bar_features_per_s\",\"bars\":%.0f,"
                         "\"features\":%.0f,\"seconds\":%.6f,\"data\":\"%s\"}\n",
                         bars * cols / sec, bars, cols, sec, origin.c_str());

  // The features command's typical indicator set.
  const char* specs[] = {"sma:30", "ema:30", "rsi:14", "atr:14", "macd:12,26,9", "bbands:20,2", "stoch:14,3", "obv"};
  std::size_t n_cols = 0;
  for (const char* sp : specs) n_cols += mlt::ml::compute_indicator(s, sp).size();
  const double sec2 = median_seconds(15, [&] {
    for (const char* sp : specs) sink += mlt::ml::compute_indicator(s, sp).front().values[60];
  });
  mlt::bench::print_line("{\"name\":\"features_cli_set\",\"value\":%.0f,\"unit\":\"bar_features_per_s\",\"bars\":%.0f,"
                         "\"features\":%zu,\"seconds\":%.6f,\"data\":\"%s\"}\n",
                         bars * static_cast<double>(n_cols) / sec2, bars, n_cols, sec2, origin.c_str());
  return std::isfinite(sink) ? 0 : 1;
}
