#pragma once
/// Leakage audit run before every training: no look-ahead in features, embargoed splits.

#include <functional>
#include <string>
#include <vector>

#include "ml/eval/dataset.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/market/bar.hpp"

namespace mlt::ml {

/// Builds the feature matrix of a series (e.g. build_default_features).
using feature_fn = std::function<feature_matrix(const bar_series&)>;

struct leakage_verdict {
  bool passed = false;
  std::string summary;                ///< one readable paragraph for the transcript and report
  std::vector<std::string> findings;  ///< one line per problem found (empty when passed)
  std::vector<std::size_t> probe_bars;  ///< the bars t after which the series was perturbed
};

/// Perturbs every bar after t (prices and volume) at several t and checks that
/// no feature at rows <= t changes; checks that the parts are in time order,
/// that each part's last label (bar + horizon) ends before the next part
/// starts, that no label reaches past the series, that every label is
/// close(t+horizon) against close(t) of its row's bar, and that the scaler equals
/// the mean and deviation of the training rows.
leakage_verdict audit_leakage(const bar_series& series, const feature_fn& features,
                              const dataset_splits& splits, int horizon);

/// The series with every bar after `t` changed (prices and volume), in a
/// deterministic, large and irregular way so any dependence shows.
bar_series perturbed_after(const bar_series& series, std::size_t t);

/// The numbers of a question the engine asks the agent, computed from a series.
using question_fn = std::function<std::vector<double>(const bar_series&)>;

/// Perturbs every bar after `last_allowed_bar` and checks that no number of
/// the question changes: the agent is never asked with bars it may not see.
/// `what` names the question and the bars, for the verdict's summary.
leakage_verdict audit_question(const bar_series& series, const question_fn& question, std::size_t last_allowed_bar,
                               const std::string& what);

}  // namespace mlt::ml
