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

/// Rows [begin, end) of `d`.
dataset slice_rows(const dataset& d, std::size_t begin, std::size_t end);

/// Two choices made on one block of rows must not see the same rows: the
/// block's first half serves the first use, and after `embargo` rows the
/// rest serves the second. Both halves are in time order and disjoint.
struct row_shares {
  std::size_t first_end = 0;     ///< first use: rows [0, first_end)
  std::size_t second_begin = 0;  ///< second use: rows [second_begin, rows)
  std::size_t rows = 0;
};

/// Fewest rows either use may get.
constexpr std::size_t min_use_rows = 10;

/// Shares `rows` rows between two uses; throws std::invalid_argument naming
/// `what` and the counts when a use would get fewer than min_use_rows rows.
row_shares share_rows(std::size_t rows, int embargo, const std::string& what);

/// The validation part of a trial, shared out: `early_stop` rows are the fit's
/// own validation (early stopping, best-epoch choice, checkpoint losses and,
/// inside an ensemble, its combiner); `select` rows, after an embargo of the
/// label horizon, choose between fitted configurations and are the
/// validation numbers the agent decides on.
struct validation_use {
  dataset early_stop;
  dataset select;
  row_shares shares;  ///< where each lies within the validation part
};

validation_use share_validation(const dataset& val, int horizon);

/// The name of what a trial predicts, for counting configurations per target:
/// "direction-1d" (day bars, horizon 1), "direction-5h", "direction-30m",
/// "direction-2w"; other timespans "direction-<h>bars".
std::string target_name(int horizon, const std::string& timespan);

}  // namespace mlt::ml
