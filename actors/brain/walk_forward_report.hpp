#pragma once
/// How the rules report reads the walk-forward evidence: the verdict the
/// answer and recommendation rest on, the per-fold table and the trading line.

#include <string>

#include "messages/walk_forward_msgs.hpp"

namespace mlt::brain {

struct walk_forward_verdict {
  bool available = false;  ///< folds were evaluated
  bool beats = false;      ///< pooled accuracy above the 95% band around the reference
  bool below = false;      ///< pooled accuracy below that band
  double reference = 0.5;  ///< the better of a coin flip and the pooled majority-class rate
  std::string reference_name;  ///< "a coin flip" or "the majority-class rate 54.1%"
  std::string evidence;    ///< "pooled accuracy 50.3% ± 0.9% over 2,900 rows, 2 of 5 folds beat the majority rate"
};

walk_forward_verdict judge_walk_forward(const msg::walk_forward_result& r);

/// Per-fold and pooled metrics with their standard errors, as prose for the analysis.
std::string walk_forward_analysis(const msg::walk_forward_result& r, int horizon);

/// The paper run over the out-of-sample predictions beside its baselines ("" when absent).
std::string walk_forward_trading(const msg::walk_forward_result& r);

}  // namespace mlt::brain
