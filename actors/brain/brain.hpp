#pragma once
/// The agent's thinking behind one interface: checkpoint decisions and the
/// final report. Chat understanding is in intent.hpp (rules) for now.

#include <memory>
#include <string>

#include "messages/negotiation.hpp"
#include "messages/trial.hpp"

namespace mlt::brain {

class brain {
public:
  virtual ~brain() = default;
  /// "rules", "anthropic", "openai".
  virtual std::string name() const = 0;
  /// Volatility regime -> train_ratio (action set_train_ratio or continue).
  virtual msg::decision on_volatility(const msg::volatility_report& r) = 0;
  /// Training checkpoint -> continue | modify | stop.
  virtual msg::decision on_progress(const msg::progress_report& r) = 0;
  /// Validation results -> continue | retrain | switch_model | optimize.
  virtual msg::decision on_initial_results(const msg::initial_results& r) = 0;
  /// The final report from the measured numbers.
  virtual msg::final_report on_result(const msg::trial_summary& s) = 0;
};

/// The default brain: offline, deterministic, from the numbers.
std::unique_ptr<brain> make_rules_brain();

/// Actions valid as an answer to each question.
bool valid_volatility_action(const std::string& action);
bool valid_progress_action(const std::string& action);
bool valid_results_action(const std::string& action);

}  // namespace mlt::brain
