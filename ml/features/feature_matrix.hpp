#pragma once
/// The per-trial feature matrix: computed once over the whole series.

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ml/market/bar.hpp"

namespace mlt::ml {

/// One row per bar, one column per feature. A cell is NaN while its
/// indicator warms up (never zero); a feature at row t uses bars <= t only.
struct feature_matrix {
  std::vector<std::string> names;
  Eigen::MatrixXd values;
};

/// The default feature set used by trials.
feature_matrix build_default_features(const bar_series& series);

}  // namespace mlt::ml
