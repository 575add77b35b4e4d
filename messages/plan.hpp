#pragma once
/// The plan of a trial: what the agent proposes and the person approves.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/ml_inspect.hpp"
#include "messages/plan_limits.hpp"

namespace mlt::msg {


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
  std::int32_t wf_folds = 5;         ///< walk-forward evidence folds, the test part the last (1..max_wf_folds)
  std::string wf_window = "expanding";  ///< expanding | rolling
  std::map<std::string, double> params;  ///< model hyperparameters the person set
  ml::paper_config paper;
  /// Fields the person set explicitly; the agent does not override them.
  std::vector<std::string> pinned;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_plan& x) {
  return f(caf::meta::type_name("trial_plan"), x.symbol, x.model, x.data_source, x.start, x.end,
           x.train_ratio, x.val_ratio, x.horizon, x.seed, x.decision_budget, x.params, x.paper,
           x.pinned, x.wf_folds, x.wf_window);
}

/// True if the person set `field` explicitly.
bool is_pinned(const trial_plan& plan, const std::string& field);

}  // namespace mlt::msg
