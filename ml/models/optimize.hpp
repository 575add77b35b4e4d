#pragma once
/// Hyperparameter search scored by walk-forward validation (never the test part).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ml/eval/dataset.hpp"
#include "ml/eval/metrics.hpp"
#include "ml/eval/walk_forward.hpp"
#include "ml/models/fit_job.hpp"
#include "ml/models/model.hpp"

namespace mlt::ml {

/// Out-of-sample metrics of each walk-forward fold and their means.
struct cv_result {
  std::vector<classification_metrics> folds;
  double mean_log_loss = 0;
  double mean_accuracy = 0;
  double mean_auc = 0;
};

/// Fits `model_name` on each fold's training rows (scaler refitted per fold,
/// early stopping on the fold's inner validation tail) and scores the fold's
/// validation block. Pass train + validation rows only (join_train_val).
/// The folds are independent jobs run on `pool` (nullptr: one after the
/// other on this thread); every fold fits with `seed` and the results are
/// gathered in fold order, so any pool gives the same numbers.
cv_result cross_validate(const std::string& model_name, const param_map& params, const dataset& rows,
                         const walk_forward_spec& cv, std::uint64_t seed, fit_pool* pool = nullptr);
/// cross_validate of each of `configs` on the same folds, every fold of every
/// configuration a job on `pool` at once; answers in the order of `configs`.
/// A failure throws the first failed fold's reason, in that order.
std::vector<cv_result> cross_validate_each(const std::string& model_name, const std::vector<param_map>& configs,
                                           const dataset& rows, const walk_forward_spec& cv, std::uint64_t seed,
                                           fit_pool* pool = nullptr);

enum class cv_score {
  log_loss,  ///< score = -mean log loss (default: a proper scoring rule)
  accuracy,
  auc
};

struct optimize_spec {
  std::string model;
  param_map fixed;                ///< held constant during the search
  std::vector<search_dim> space;  ///< empty = the model's own search_space()
  int max_evals = 20;             ///< evaluation budget (configurations tried)
  double max_seconds = 60;        ///< time budget; checked before each round of evaluations
  walk_forward_spec cv;           ///< folds: see bound_evaluation for nets
  cv_score score = cv_score::log_loss;
  std::uint64_t seed = 1;         ///< seeds the search and every model fit
};

/// Nets are slow: during a search each of their fits runs at most this many
/// epochs (early-stopping patience at most net_search_patience)...
constexpr int net_search_epochs = 5;
constexpr int net_search_patience = 2;
/// ...and a search that may fit a net scores on at most this many folds.
constexpr int net_search_folds = 3;
/// The search picks this many configurations per round from the same
/// history (the last round fewer when the budget ends) and evaluates them at
/// once. A constant of the algorithm, not of the machine: a pool of any width
/// gives the same configurations and scores.
constexpr int evals_per_round = 3;
/// A budget of B evaluations searches the first max(1, B / evals_per_dim)
/// dimensions of a search space; the rest keep their defaults.
constexpr int evals_per_dim = 2;

/// How one evaluation of a configuration is bounded during a search.
struct evaluation_bounds {
  param_map caps;         ///< applied to every fit of the search, never part of best_params
  int folds = 0;          ///< walk-forward folds per evaluation
  std::string text;       ///< one sentence for the transcript ("" when unbounded)
};

/// Bounds for evaluating `params` of `model` (an ensemble caps its net
/// members); `folds` is the spec's fold count, `could_fit_net` whether any
/// configuration of this search fits a net (the fold count must not change
/// between the evaluations of one search).
evaluation_bounds bound_evaluation(const std::string& model, const param_map& params, int folds,
                                   bool could_fit_net);

/// True when `model` has a search space (every registered model but the
/// majority baseline); the one rule every brain and the plan check use.
bool can_optimize(const std::string& model);

/// One configuration tried, in the order tried.
struct tried_config {
  int index = 0;  ///< 1-based
  param_map params;
  double score = 0;  ///< higher is better
  cv_result cv;
  double seconds = 0;
};

struct optimize_result {
  param_map best_params;  ///< fixed + best searched values
  double best_score = 0;
  std::string score_name;   ///< "neg_log_loss", "accuracy" or "auc"
  std::vector<tried_config> tried;
  std::string stop_reason;  ///< "evaluation budget", "time budget" or "stopped by caller"
  std::vector<std::string> searched;  ///< dimensions searched, in order
  int folds = 0;                      ///< walk-forward folds per evaluation
  double seconds = 0;                 ///< wall-clock time of the whole search
  /// For the transcript: what was searched, how each evaluation was bounded,
  /// how many of the budget ran and why it stopped ("stopped by the 120 s
  /// limit after 7 of 12 configurations").
  std::string summary;
};

/// Called after every evaluation with the latest and the best so far; return
/// false to stop the search.
using optimize_progress = std::function<bool(const tried_config& latest, const tried_config& best)>;

/// Searches the space (categorical dimensions by choice index; only the first
/// max(1, max_evals / evals_per_dim) dimensions) with dlib's global optimiser (MaxLIPO + trust region,
/// the engine of dlib::find_max_global) on `rows` = train + validation rows.
/// Driven here with a fixed seed and without find_max_global's wall-clock
/// tuning, so the same seed and data give the same configurations and scores
/// whenever the evaluation budget (not the time budget) ends the search.
/// Throws std::invalid_argument for a bad spec (unknown model or parameter,
/// empty space, bad budget or range). The search runs in rounds of
/// evals_per_round configurations: each round's picks come from the scores of
/// the rounds before it (dlib's outstanding requests: one local refinement,
/// the rest global exploration), all their folds run on `pool` at once
/// (cross_validate_each), and their scores return to the search in index
/// order, so the result is the same with any pool or none. `progress` is
/// called per evaluation, in order, once its round is scored; stopping there
/// drops the round's later evaluations.
optimize_result optimize(const dataset& rows, const optimize_spec& spec, const optimize_progress& progress = {},
                         fit_pool* pool = nullptr);

}  // namespace mlt::ml
