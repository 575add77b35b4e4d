#pragma once
/// The one place a decision or a plan is judged: the engine before it acts,
/// the rules brain's tests, the LLM tools before they answer, and the config
/// reader all call these. Every answer is "" or a sentence naming the problem,
/// phrased for the person (and for an LLM to correct itself).

#include <map>
#include <string>
#include <vector>

#include "messages/negotiation.hpp"
#include "messages/plan.hpp"
#include "messages/vocabulary.hpp"

namespace mlt::msg {

/// The actions `q` allows, in the order tools and help list them.
std::vector<action> allowed_actions(question q);
/// Their names, for schemas and messages.
std::vector<std::string> allowed_action_names(question q);

/// Every parameter a decision or a plan may carry, with its range.
const std::vector<param_spec>& decision_params();
/// The parameter named `name`, or nullptr.
const param_spec* find_param(const std::string& name);
/// True if `p` is a hyperparameter of `model`.
bool applies_to(const param_spec& p, const std::string& model);
/// "0.5-0.9", "above 0 and up to 1, a whole number", ...
std::string range_text(const param_spec& p);
/// "" or what is wrong with `value` for `p`.
std::string check_param_value(const param_spec& p, double value);
/// "eta above 0 and up to 1, max_depth 1-12, ..." ("none" for a model without any).
std::string model_params_for(const std::string& model);
/// Hyperparameters of a modify or retrain: at least one, each known for
/// `model` and in range.
std::string check_model_params(const std::map<std::string, double>& params, const std::string& model);

/// True if `model` is a model mlTrainer can fit; the names, comma separated.
bool model_known(const std::string& model);
std::string known_models();

/// What a question needs to judge its answer.
struct decision_context {
  question asked = question::results;
  std::string model;                ///< the model being fitted (progress, results)
  bool train_ratio_pinned = false;  ///< volatility: the person set train_ratio
  int budget_left = 1;              ///< results: decisions left, this one included
};

/// Checks `d` against the question and normalises it: parameters the action
/// does not use are dropped, optimize gets its default budget. "" or why
/// the decision cannot be applied.
std::string check_decision(decision& d, const decision_context& ctx);

/// Bars a date range must hold for `model`.
int min_bars_for(const std::string& model);

/// "" or why the plan cannot run.
std::string check_plan(const trial_plan& plan);

}  // namespace mlt::msg
