#include "ml/eval/volatility.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ml/eval/dataset.hpp"

namespace mlt::ml {

double annual_volatility(const std::vector<bar>& bars, std::size_t from, std::size_t to) {
  double sum = 0, sum2 = 0;
  std::size_t n = 0;
  for (std::size_t i = std::max<std::size_t>(from, 1); i < to && i < bars.size(); ++i) {
    const double r = std::log(bars[i].close / bars[i - 1].close);
    sum += r;
    sum2 += r * r;
    ++n;
  }
  if (n < 2) return 0;
  const double mean = sum / static_cast<double>(n);
  const double var = (sum2 - static_cast<double>(n) * mean * mean) / static_cast<double>(n - 1);
  return std::sqrt(std::max(0.0, var) * 252.0);
}

volatility_window training_volatility(const bar_series& series, const feature_matrix& features, int horizon,
                                      double min_train_ratio) {
  const auto rows = rows_training_under_any_split(series, features, horizon, min_train_ratio);
  if (rows.size() < 2)
    throw std::invalid_argument("too few rows train under every allowed split (" + std::to_string(rows.size()) +
                                ") to measure volatility");
  volatility_window w;
  w.first_bar = rows.front();
  w.last_bar = rows.back();
  w.recent_first_bar = w.last_bar + 1 > recent_volatility_bars ? w.last_bar + 1 - recent_volatility_bars : 0;
  w.recent_first_bar = std::max(w.recent_first_bar, w.first_bar);
  // A return at bar i spans closes i-1 and i: the window's first return needs
  // the close before it, which is an earlier (training-period) bar.
  w.vol_annual = annual_volatility(series.bars, w.first_bar, w.last_bar + 1);
  w.vol_recent = annual_volatility(series.bars, w.recent_first_bar, w.last_bar + 1);
  return w;
}

}  // namespace mlt::ml
