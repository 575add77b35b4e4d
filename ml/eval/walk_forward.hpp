#pragma once
/// Walk-forward cross-validation folds over rows in time order.

#include <cstddef>
#include <string>
#include <vector>

#include "ml/eval/dataset.hpp"
#include "ml/models/model.hpp"

namespace mlt::ml {

enum class window_kind {
  expanding,  ///< each fold trains on everything before its validation block
  rolling     ///< each fold trains on a fixed-length window before its validation block
};

struct walk_forward_spec {
  int folds = 5;
  window_kind window = window_kind::expanding;
  int embargo = 1;               ///< bars between the last training label's bar and validation (use h)
  std::size_t min_train_rows = 30;
  double inner_val_ratio = 0.2;  ///< tail of each fold's training rows kept for early stopping
};

/// Row indices (into the rows given) of one fold.
struct fold {
  std::vector<std::size_t> train;      ///< rows a model fits on
  std::vector<std::size_t> inner_val;  ///< later training-period rows for early stopping
  std::vector<std::size_t> val;        ///< the fold's out-of-sample block
};

/// Splits rows 0..n-1 (bar of row i = bar_index[i], increasing) into k+1
/// equal blocks; fold i validates on block i+1. Training rows end at least
/// `embargo` bars before the block (so their labels end before it), and the
/// inner validation tail is separated from the training rows the same way.
/// Throws std::invalid_argument naming the problem when folds would be too
/// small or the spec is out of range.
std::vector<fold> walk_forward_folds(const std::vector<std::size_t>& bar_index, const walk_forward_spec& spec);

/// The least share of the pre-test rows that evidence_folds keeps for the
/// first training window (its out-of-sample blocks shrink otherwise).
constexpr double evidence_min_first_window = 0.4;

/// Folds of the walk-forward evidence over a whole history: rows
/// test_begin..n-1 (the untouched test part) are exactly the last fold's
/// block; the rows before it hold the first training window and k-1
/// out-of-sample blocks of the test part's size (smaller when the first
/// window would fall below evidence_min_first_window of the pre-test rows).
/// Expanding folds train on everything before their block, rolling ones on
/// a window as long as the first. Same embargo and inner validation tail as
/// walk_forward_folds; throws std::invalid_argument naming the problem.
std::vector<fold> evidence_folds(const std::vector<std::size_t>& bar_index, std::size_t test_begin,
                                 const walk_forward_spec& spec);

/// "expanding" | "rolling": the one spelling of window kinds in plans and reports.
const char* window_name(window_kind w);
/// False when `text` is not a window kind's name.
bool parse_window(const std::string& text, window_kind& out);

/// Parts of a dataset joined in the order given (rows stay in time order when
/// the parts are).
dataset join_parts(const std::vector<const dataset*>& parts);

/// Train and validation parts of a dataset joined in time order (the test part
/// stays out), for model selection.
dataset join_train_val(const dataset_splits& splits);

/// The fit_data of a fold, standardised again with the mean and deviation of
/// the fold's training rows only (a fold's validation rows never shape it).
fit_data fold_fit_data(const dataset& rows, const fold& f);
/// The fold's validation block standardised like fold_fit_data's rows.
Eigen::MatrixXd fold_val_x(const dataset& rows, const fold& f);
/// The fold's validation labels.
Eigen::VectorXd fold_val_y(const dataset& rows, const fold& f);

}  // namespace mlt::ml
