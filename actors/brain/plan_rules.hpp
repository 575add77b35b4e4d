#pragma once
/// Applying plain-word edits to a plan, the limits a plan must respect, and
/// the plan as the person reads it.

#include <string>

#include "actors/brain/intent.hpp"
#include "messages/negotiation_checks.hpp"
#include "messages/plan.hpp"

namespace mlt::brain {

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

/// Several readable lines describing the plan.
std::string describe_plan(const msg::trial_plan& plan);

}  // namespace mlt::brain
