#pragma once
/// Applying plain-word edits to a plan, the limits a plan must respect, and
/// the plan as the person reads it.

#include <string>

#include "actors/brain/intent.hpp"
#include "messages/plan.hpp"

namespace mlt::brain {

/// Limits every plan is checked against.
namespace limits {
constexpr double min_train_ratio = 0.3;
constexpr double max_train_ratio = 0.9;
constexpr int max_horizon = 60;
constexpr int min_bars_for_model = 300;  ///< bars a range must hold (warm-up + three parts)
}  // namespace limits

/// Applies `edit` to `plan` (marking the fields as pinned); returns "" or the
/// reason the edited plan is impossible (then `plan` is unchanged).
std::string apply_edit(msg::trial_plan& plan, const plan_edit& edit);

/// "" or why the plan cannot run.
std::string check_plan(const msg::trial_plan& plan);

/// Several readable lines describing the plan.
std::string describe_plan(const msg::trial_plan& plan);

}  // namespace mlt::brain
