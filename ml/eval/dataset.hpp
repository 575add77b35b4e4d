#pragma once
/// Labels and chronological splits with an embargo; scalers fit on train only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ml/features/feature_matrix.hpp"
#include "ml/market/bar.hpp"

namespace mlt::ml {

/// A block of rows in time order. `bar_index[i]` is the bar whose features
/// make row i; its label looks `horizon` bars ahead of that bar.
struct dataset {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;                 ///< 1 = close(t+h) > close(t), else 0
  Eigen::VectorXd forward_return;    ///< close(t+h)/close(t) - 1
  std::vector<std::size_t> bar_index;
  Eigen::Index rows() const { return x.rows(); }
};

struct split_spec {
  double train_ratio = 0.7;   ///< of the usable rows
  double val_ratio = 0.15;    ///< of the usable rows; test gets the rest
  int horizon = 1;            ///< label horizon h in bars; also the embargo
};

/// Train / validation / test, in time order, h rows of embargo between parts,
/// features standardised with mean and deviation of the training rows only.
struct dataset_splits {
  dataset train;
  dataset val;
  dataset test;
  std::vector<std::string> feature_names;
  Eigen::RowVectorXd scaler_mean;
  Eigen::RowVectorXd scaler_scale;
  std::size_t warmup_rows = 0;  ///< leading bars dropped for indicator warm-up
};

/// Bars whose features are all defined and whose label (`horizon` bars ahead)
/// exists, in time order: the rows every split is cut from. `warmup`, when
/// given, receives the number of leading bars dropped for indicator warm-up.
std::vector<std::size_t> usable_rows(const bar_series& series, const feature_matrix& features, int horizon,
                                     std::size_t* warmup = nullptr);

/// Rows that train under every split whose train_ratio is at least
/// `min_train_ratio`: the first floor(min_train_ratio * n) usable rows.
std::vector<std::size_t> rows_training_under_any_split(const bar_series& series, const feature_matrix& features,
                                                       int horizon, double min_train_ratio);

/// Builds the splits; throws std::invalid_argument with a clear message when
/// the ratios are out of range or a part would be too small.
dataset_splits make_splits(const bar_series& series, const feature_matrix& features,
                           const split_spec& spec);

}  // namespace mlt::ml
