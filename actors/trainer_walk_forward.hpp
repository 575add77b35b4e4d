#pragma once
/// The trainer's side of the walk-forward evidence: builds the run over a
/// trial's whole history and turns its folds into typed records with dates.

#include <memory>

#include "messages/work.hpp"
#include "ml/eval/dataset.hpp"
#include "ml/eval/walk_forward_run.hpp"

namespace mlt::actors::walk_forward {

/// A run of the request's configuration over train, validation and test rows
/// in time order, the test part being the last fold. Throws
/// std::invalid_argument naming the problem (unknown window, too few rows).
std::unique_ptr<ml::walk_forward_run> start(const ml::dataset_splits& splits, const msg::walk_forward_request& req);

/// The folds as laid out, before any is fitted.
msg::walk_forward_started layout(const ml::bar_series& series, const ml::walk_forward_run& run, msg::trial_id trial);

/// Advances the run by one bounded step.
msg::walk_forward_progress step(const ml::bar_series& series, ml::walk_forward_run& run, msg::trial_id trial);

/// Pooled result and the concatenated out-of-sample predictions.
msg::walk_forward_outcome collect(const ml::bar_series& series, const ml::walk_forward_run& run,
                                  const msg::walk_forward_request& req);

}  // namespace mlt::actors::walk_forward
