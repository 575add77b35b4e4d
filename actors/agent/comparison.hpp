#pragma once
/// Side-by-side out-of-sample results of trials that ran the same plan under
/// different brains ("compare brains") or different models ("compare models").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "messages/trial.hpp"

namespace mlt::actors {

/// One arm of a comparison and how it ended.
struct comparison_arm {
  std::string label;             ///< "claude (anthropic)", "rules", "no intervention", "lstm", "AAPL lstm"
  std::string symbol;            ///< a universe arm's symbol ("" = the plan's)
  std::string model;             ///< a model arm's model ("" = the plan's)
  msg::trial_id trial_id;
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

/// A comparison in flight: `kind` is "brains", "models" or "universe" (one
/// arm per symbol, or per symbol and model).
struct comparison {
  std::string kind;
  std::vector<comparison_arm> arms;
  std::string universe;              ///< a built-in list's id for a universe ("" = symbols named)
  std::vector<std::string> symbols;  ///< a universe's symbols, in order
  std::vector<std::string> models;   ///< the models compared ("" = the plan's one)
  std::vector<std::string> skipped;  ///< a universe's symbols that did not run, with why
  bool told_busy = false;            ///< the person heard that arms wait for a full engine queue
  bool complete() const;
};

/// Standard error of an accuracy estimated on n bars (binomial, bars
/// treated as independent).
double accuracy_se(double acc, std::size_t n);

/// The arms whose LLM may remember the test period, and which arms are the
/// uncontaminated reference ("" when no LLM decided anything).
std::string contamination_text(const comparison& c);

/// The person's answer: a table of test accuracy, AUC, log loss, strategy
/// return / Sharpe / drawdown against buy-and-hold, decisions and tokens per
/// arm, then the differences against the last arm (the baseline) with the
/// caveat that one split of one series is a single draw. Arms whose LLM may
/// remember the test period are marked, and the verdict names the arms that
/// are the uncontaminated reference.
std::string comparison_text(const comparison& c);

}  // namespace mlt::actors
