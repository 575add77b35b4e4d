#pragma once
/// Side-by-side out-of-sample results of trials that ran the same plan under
/// different brains ("compare brains") or different models ("compare models").

#include <cstdint>
#include <string>
#include <vector>

#include "messages/trial.hpp"

namespace mlt::actors {

/// One arm of a comparison and how it ended.
struct comparison_arm {
  std::string label;             ///< "claude (anthropic)", "rules", "no intervention", "lstm"
  std::int64_t trial_id = 0;
  bool done = false;
  bool failed = false;
  std::string failure;           ///< why it did not finish
  msg::trial_summary summary;    ///< valid when done && !failed
  msg::final_report report;      ///< tokens used, brain notes
  /// Why an LLM that made this arm's own decisions (checkpoints, report) may
  /// remember its test period (brain::cutoff_notes); "" = none did.
  std::string remembers;
  /// The same for the LLM that proposed the plan all arms share; "" = none.
  std::string plan_remembers;
};

/// A comparison in flight: `kind` is "brains" or "models".
struct comparison {
  std::string kind;
  std::vector<comparison_arm> arms;
  bool complete() const;
};

/// The person's answer: a table of test accuracy, AUC, log loss, strategy
/// return / Sharpe / drawdown against buy-and-hold, decisions and tokens per
/// arm, then the differences against the last arm (the baseline) with the
/// caveat that one split of one series is a single draw. Arms whose LLM may
/// remember the test period are marked, and the verdict names the arms that
/// are the uncontaminated reference.
std::string comparison_text(const comparison& c);

}  // namespace mlt::actors
