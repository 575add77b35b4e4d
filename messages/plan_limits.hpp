#pragma once
/// The limits every plan and every decision respects, in one place; header
/// only and free of dependencies, so the config reader checks the same
/// numbers as the agent and the engine (messages/negotiation_checks.hpp).

namespace mlt::msg {

namespace plan_limits {
/// The train_ratio any plan and any agent decision may have: below half the
/// bars for training the fit is too noisy to judge; above 0.9 validation and
/// test hold too few bars to judge it.
constexpr double min_train_ratio = 0.5;
constexpr double max_train_ratio = 0.9;
/// train_ratio + val_ratio below this leaves a test part worth judging.
constexpr double max_train_plus_val = 0.95;
/// Bars ahead a label may look.
constexpr int max_horizon = 60;
/// Bars a range must hold: indicator warm-up plus training, validation and test parts.
constexpr int min_bars_for_model = 300;
/// Sequence models (lstm, transformer, and the ensemble that contains them)
/// need more: each row is a window of earlier bars and they have many weights.
constexpr int min_bars_for_sequence_model = 500;
/// Costs beyond these are typos, not brokers.
constexpr double max_commission_bps = 500;
constexpr double max_slippage_bps = 500;
/// The longest lookback a person can ask for ("last 30 years").
constexpr int max_lookback_days = 366 * 40;
/// Questions the agent may answer in one trial.
constexpr int max_decision_budget = 100;
/// Evaluations the optimiser gets when the agent asks for one without a number.
constexpr int optimize_budget = 12;
/// The most evaluations any brain may ask the optimiser for.
constexpr int max_optimize_budget = 50;
/// Symbols one universe request may fan out over ("the Dow 30" fits): each
/// is a trial (times the models compared), queued by the engine.
constexpr int max_universe_symbols = 30;
}  // namespace plan_limits

/// Walk-forward evidence: 1 (the test part alone) .. max_wf_folds folds.
constexpr int max_wf_folds = 20;
/// Window kinds of the walk-forward evidence (ml::parse_window reads them).
constexpr const char* wf_windows[] = {"expanding", "rolling"};

}  // namespace mlt::msg
