#pragma once
/// A fitted model kept after its trial, to predict bars that arrive later
/// (forward paper trading): the model's state, the training-only scaler and
/// the feature set it was fitted on.

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ml/market/bar.hpp"

namespace mlt::ml {

struct model_artifact {
  std::string model;                ///< registry name
  int horizon = 1;
  std::vector<std::string> features;
  Eigen::RowVectorXd scaler_mean;   ///< fitted on the trial's training rows
  Eigen::RowVectorXd scaler_scale;
  std::string state;                ///< model::save()
};

/// Writes atomically (temporary file, then rename); throws std::runtime_error naming the path.
void write_artifact(const std::string& path, const model_artifact& a);
/// Reads what write_artifact wrote; throws std::runtime_error naming the path and problem.
model_artifact read_artifact(const std::string& path);

/// P(up) at the close of every bar of `series` (NaN while features warm up),
/// with the default features scaled by the artefact's training scaler.
std::vector<double> predict_bars(const model_artifact& a, const bar_series& series);

}  // namespace mlt::ml
