#include <cmath>

#include "ml/features/feature_matrix.hpp"
#include "ml/features/indicators.hpp"

namespace mlt::ml {

namespace {

struct columns {
  ind::vec open, high, low, close, volume;
  std::vector<std::int64_t> times;
};

columns split_columns(const bar_series& series) {
  const auto n = static_cast<Eigen::Index>(series.bars.size());
  columns c{ind::vec(n), ind::vec(n), ind::vec(n), ind::vec(n), ind::vec(n), {}};
  c.times.reserve(series.bars.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const bar& b = series.bars[static_cast<std::size_t>(i)];
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
    c.times.push_back(b.time);
  }
  return c;
}

}  // namespace

feature_matrix build_default_features(const bar_series& series) {
  const columns c = split_columns(series);
  std::vector<std::pair<std::string, ind::vec>> cols;
  for (int n : {1, 5, 10, 20}) cols.emplace_back("logret_" + std::to_string(n), ind::log_returns(c.close, n));
  for (int n : {5, 20}) cols.emplace_back("rvol_" + std::to_string(n), ind::realized_vol(c.close, n));
  // Ratios rather than levels keep features comparable across price regimes.
  for (int n : {10, 20, 50})
    cols.emplace_back("close_sma_" + std::to_string(n),
                      (c.close.array() / ind::sma(c.close, n).array() - 1.0).matrix());
  cols.emplace_back("rsi_14", ind::rsi(c.close, 14));
  const auto m = ind::macd(c.close, 12, 26, 9);
  cols.emplace_back("macd_hist_rel_12_26_9", (m.hist.array() / c.close.array()).matrix());
  cols.emplace_back("bb_pctb_20_2", ind::bbands(c.close, 20, 2.0).percent_b);
  cols.emplace_back("atr_rel_14", (ind::atr(c.high, c.low, c.close, 14).array() / c.close.array()).matrix());
  cols.emplace_back("volume_z_20", ind::volume_zscore(c.volume, 20));
  cols.emplace_back("day_of_week", ind::day_of_week(c.times));

  feature_matrix f;
  f.values.resize(c.close.size(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) {
    f.names.push_back(cols[j].first);
    f.values.col(static_cast<Eigen::Index>(j)) = cols[j].second;
  }
  return f;
}

}  // namespace mlt::ml
