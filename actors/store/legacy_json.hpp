#pragma once
/// Readers for the JSON that stores of schema 5 and older kept (plans,
/// reports, portfolios' parameters): the migration to typed records uses
/// them once per row, and nothing else does. They read what
/// messages/wire.cpp wrote, so re-encoding a record gives the same JSON.

#include <map>
#include <string>

#include "messages/plan.hpp"
#include "messages/trial.hpp"

namespace mlt::store::legacy {

/// A plan_to_json document over `out`: the keys it has replace out's fields
/// (its params replace them all); `pinned`, which it never held, stays.
/// False (and `out` unchanged) when it is not JSON or names no symbol.
bool plan_from_json(const std::string& json, msg::trial_plan& out);

/// A stored report frame (encode_report). `approved` is the trial's plan as
/// approved: the report's plan is read over it. False when it is not JSON.
bool report_from_json(const std::string& json, const msg::trial_plan& approved, msg::trial_report& out);

/// A transcript line's payload: a JSON object of numbers, texts, flags and
/// objects of numbers (a decision's params); false for anything else.
bool event_data_from_json(const std::string& json, msg::event_data& out);

/// A flat JSON object of numbers ({"max_depth": 4}); false when it is not one.
bool params_from_json(const std::string& json, std::map<std::string, double>& out);

}  // namespace mlt::store::legacy
