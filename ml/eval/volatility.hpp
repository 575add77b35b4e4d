#pragma once
/// The volatility the engine asks the agent about before the split is chosen,
/// measured only on bars that train under every split the agent may choose.

#include <cstddef>
#include <vector>

#include "ml/features/feature_matrix.hpp"
#include "ml/market/bar.hpp"

namespace mlt::ml {

/// Bars of the "recent" volatility: about one quarter of daily bars.
constexpr std::size_t recent_volatility_bars = 63;

struct volatility_window {
  double vol_annual = 0;      ///< annualised std of log returns over the window
  double vol_recent = 0;      ///< the same over the window's last recent_volatility_bars bars
  std::size_t first_bar = 0;  ///< window, inclusive bar indices
  std::size_t last_bar = 0;
  std::size_t recent_first_bar = 0;
};

/// Annualised (252 bars a year) standard deviation of log close-to-close
/// returns over bars [from, to); 0 with fewer than two returns.
double annual_volatility(const std::vector<bar>& bars, std::size_t from, std::size_t to);

/// The window ends at the last row that trains under any split with
/// train_ratio >= min_train_ratio (see rows_training_under_any_split), so no
/// validation or test bar of any allowed split shapes it. Throws
/// std::invalid_argument when no row qualifies.
volatility_window training_volatility(const bar_series& series, const feature_matrix& features, int horizon,
                                      double min_train_ratio);

}  // namespace mlt::ml
