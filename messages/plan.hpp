#pragma once
/// The plan of a trial: what the agent proposes and the person approves.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/ml_inspect.hpp"

namespace mlt::msg {

/// The train_ratio any plan and any agent decision may have: below half the
/// bars for training the fit is too noisy to judge; above 0.9 validation and
/// test hold too few bars to judge it.
namespace plan_limits {
constexpr double min_train_ratio = 0.5;
constexpr double max_train_ratio = 0.9;
}  // namespace plan_limits

struct trial_plan {
  std::string symbol;
  std::string model = "xgboost";
  std::string data_source = "auto";  ///< auto | synthetic | csv | polygon
  std::string start;                 ///< ISO date or empty (source default)
  std::string end;
  double train_ratio = 0.7;
  double val_ratio = 0.15;
  std::int32_t horizon = 1;          ///< bars ahead the label looks
  std::uint64_t seed = 42;
  std::int32_t decision_budget = 8;  ///< engine questions the agent may answer
  std::map<std::string, double> params;  ///< model hyperparameters the person set
  ml::paper_config paper;
  /// Fields the person set explicitly; the agent does not override them.
  std::vector<std::string> pinned;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_plan& x) {
  return f(caf::meta::type_name("trial_plan"), x.symbol, x.model, x.data_source, x.start, x.end,
           x.train_ratio, x.val_ratio, x.horizon, x.seed, x.decision_budget, x.params, x.paper,
           x.pinned);
}

/// True if the person set `field` explicitly.
bool is_pinned(const trial_plan& plan, const std::string& field);

}  // namespace mlt::msg
