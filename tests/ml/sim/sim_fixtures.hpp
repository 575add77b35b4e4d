#pragma once
// Small helpers shared by the simulator tests: hand-made bars, a scripted
// strategy and a loader for the shared real-data CSV files.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "ml/market/bar.hpp"
#include "ml/sim/engine.hpp"

namespace sim_test {

constexpr std::int64_t day = 86400;
constexpr std::int64_t t0 = 1262304000;  // 2010-01-01 00:00 UTC

inline mlt::ml::bar ohlc(int i, double o, double h, double l, double c) {
  return {t0 + i * day, o, h, l, c, 1000};
}

/// Runs `script(engine, i)` at the close of each bar.
class scripted : public mlt::ml::sim::strategy {
 public:
  using fn = std::function<void(mlt::ml::sim::engine&, std::size_t)>;
  explicit scripted(fn f) : f_(std::move(f)) {}
  void on_bar(mlt::ml::sim::engine& e, const std::vector<mlt::ml::bar>&, std::size_t i) override {
    f_(e, i);
  }

 private:
  fn f_;
};

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
inline std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

/// Loads a shared `date,open,high,low,close,volume` daily file; empty when absent.
inline std::vector<mlt::ml::bar> load_daily(const std::string& name) {
  std::vector<mlt::ml::bar> out;
  std::ifstream in(std::string(MLT_TEST_DATA_DIR) + "/" + name);
  if (!in) return out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    int y = 0, m = 0, d = 0;
    mlt::ml::bar b;
    if (std::sscanf(line.c_str(), "%d-%d-%d,%lf,%lf,%lf,%lf,%lf", &y, &m, &d, &b.open, &b.high,
                    &b.low, &b.close, &b.volume) < 7)
      continue;
    b.time = days_from_civil(y, m, d) * day;
    out.push_back(b);
  }
  return out;
}

}  // namespace sim_test
