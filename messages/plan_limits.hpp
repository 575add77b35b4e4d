#pragma once
/// Plan limits that the config reader and the plan checks share (no
/// dependencies, so config/ can include it).

namespace mlt::msg {

/// The train_ratio any plan and any agent decision may have: below half the
/// bars for training the fit is too noisy to judge; above 0.9 validation and
/// test hold too few bars to judge it.
namespace plan_limits {
constexpr double min_train_ratio = 0.5;
constexpr double max_train_ratio = 0.9;
}  // namespace plan_limits

/// Walk-forward evidence: 1 (the test part alone) .. max_wf_folds folds.
constexpr int max_wf_folds = 20;
/// Window kinds of the walk-forward evidence (ml::parse_window reads them).
constexpr const char* wf_windows[] = {"expanding", "rolling"};

}  // namespace mlt::msg
