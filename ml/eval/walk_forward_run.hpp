#pragma once
/// One configuration evaluated walk-forward over a whole history, advanced in
/// bounded steps so a caller can report progress per fold and stop between
/// steps.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ml/eval/dataset.hpp"
#include "ml/eval/oos_metrics.hpp"
#include "ml/eval/walk_forward.hpp"
#include "ml/models/fit_job.hpp"
#include "ml/models/model.hpp"

namespace mlt::ml {

/// What one finished fold measured.
struct fold_outcome {
  std::size_t train_rows = 0;
  std::size_t train_first_bar = 0, train_last_bar = 0;  ///< bars of the first and last training rows
  std::size_t inner_rows = 0;                           ///< inner validation (early stopping) rows
  std::size_t inner_first_bar = 0, inner_last_bar = 0;
  std::size_t first_bar = 0, last_bar = 0;              ///< bars of the first and last predicted rows
  oos_metrics metrics;
  int majority_class = 1;      ///< of the fold's training labels
  double majority_rate = 0;    ///< that class's share of the fold's block
  std::vector<std::size_t> bar_index;  ///< predicted rows' bars
  std::vector<double> prob;            ///< P(up) per predicted row
  bool beats_majority() const { return metrics.accuracy > majority_rate; }
};

/// Pooled over every out-of-sample row of every fold.
struct walk_forward_summary {
  oos_metrics pooled;
  int folds_beating_majority = 0;
  double majority_rate = 0;  ///< share of rows where each fold's training majority class came true
  std::vector<std::size_t> bar_index;  ///< all predicted rows' bars, in time order
  std::vector<double> prob;
};

class walk_forward_run {
public:
  /// Rows `rows` in time order; rows test_begin.. are the test part (the last
  /// fold). Throws std::invalid_argument when the model is unknown or the folds
  /// cannot be built.
  walk_forward_run(dataset rows, std::size_t test_begin, std::string model, param_map params, std::uint64_t seed,
                   const walk_forward_spec& spec);
  ~walk_forward_run();

  /// Fits the folds as independent jobs on `pool` (all of them submitted at
  /// the first advance) instead of one model step at a time on this thread.
  /// Every fold fits with the run's seed and is reported in fold order, so
  /// the outcomes are the same as without a pool. Call before advancing.
  void use_pool(std::unique_ptr<fit_pool> pool);

  const std::vector<fold>& folds() const { return folds_; }
  const dataset& rows() const { return rows_; }

  struct step_result {
    int fold = 0;          ///< 1-based fold being (or just) fitted
    int step = 0, total = 0;  ///< the fold's model steps
    bool fold_done = false;   ///< the fold finished in this call
    bool all_done = false;
  };
  /// Fits the current fold for up to `budget` of wall-clock time (at least
  /// one model step), and predicts its block when the fit finishes. With a
  /// pool: waits up to `budget` for the next fold in order to come back.
  step_result advance(std::chrono::milliseconds budget);
  /// Runs every remaining fold to the end.
  void run_to_end();

  bool done() const { return outcomes_.size() == folds_.size(); }
  const std::vector<fold_outcome>& outcomes() const { return outcomes_; }
  /// Pooled metrics of the folds finished so far.
  walk_forward_summary summary() const;

private:
  step_result advance_in_turn(std::chrono::milliseconds budget);
  step_result advance_on_pool(std::chrono::milliseconds budget);
  /// Records fold i's outcome from its predictions; answers the step.
  step_result finish_fold(const Eigen::VectorXd& p);

  dataset rows_;
  std::string model_name_;
  param_map params_;
  std::uint64_t seed_;
  std::vector<fold> folds_;
  std::vector<fold_outcome> outcomes_;
  std::unique_ptr<model> current_;
  fit_step last_{};
  std::unique_ptr<fit_pool> pool_;
  std::unique_ptr<fit_batch> batch_;  ///< the folds on the pool, once submitted
};

}  // namespace mlt::ml
