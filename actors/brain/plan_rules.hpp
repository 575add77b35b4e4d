#pragma once
/// Applying plain-word edits to a plan, the limits a plan must respect, and
/// the plan as the person reads it.

#include <string>

#include "actors/brain/intent.hpp"
#include "messages/plan.hpp"

namespace mlt::brain {

/// Limits every plan is checked against.
namespace limits {
constexpr double min_train_ratio = msg::plan_limits::min_train_ratio;
constexpr double max_train_ratio = msg::plan_limits::max_train_ratio;
constexpr int max_horizon = 60;
/// Bars a range must hold: indicator warm-up plus training, validation and test parts.
constexpr int min_bars_for_model = 300;
/// Sequence models (lstm, transformer, and the ensemble that contains them)
/// need more: each row is a window of earlier bars and they have many weights.
constexpr int min_bars_for_sequence_model = 500;
constexpr double max_commission_bps = 500;
constexpr double max_slippage_bps = 500;
/// The longest lookback a person can ask for ("last 30 years").
constexpr int max_lookback_days = 366 * 40;
}  // namespace limits

/// Bars a range must hold for `model` (limits above).
int min_bars_for(const std::string& model);

/// Marker in trial_plan::pinned: the person asked for a hyperparameter search
/// ("optimize it"). The rules brain answers the first results checkpoint
/// with optimize when the model can be optimised.
constexpr const char* optimize_marker = "optimize";

/// True if the person asked for a hyperparameter search.
bool wants_optimize(const msg::trial_plan& plan);

/// Applies `edit` to `plan` (marking the fields as pinned); returns "" or the
/// reason the edited plan is impossible (then `plan` is unchanged).
/// `data_end` (YYYY-MM-DD, may be empty) is the last date of the data, the
/// reference for "last 3 years" when the plan has no end date; without
/// either, today's UTC date is the reference.
std::string apply_edit(msg::trial_plan& plan, const plan_edit& edit, const std::string& data_end = "");

/// "" or why the plan cannot run.
std::string check_plan(const msg::trial_plan& plan);

/// Several readable lines describing the plan.
std::string describe_plan(const msg::trial_plan& plan);

}  // namespace mlt::brain
