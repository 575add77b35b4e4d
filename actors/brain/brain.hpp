#pragma once
/// The agent's thinking behind one interface: chat understanding, checkpoint
/// decisions and the final report. Brains are synchronous; an LLM brain
/// blocks for its network exchanges, so the agent runs brains where blocking
/// is allowed (a detached actor). One caller at a time.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/brain/intent.hpp"
#include "messages/negotiation.hpp"
#include "messages/trial.hpp"

namespace mlt::brain {

/// What a brain spent on LLM calls (all zero for the rules brain).
struct brain_usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int32_t llm_calls = 0;      ///< exchanges, repairs included
  std::int32_t llm_decisions = 0;  ///< checkpoint questions the LLM answered
  std::int32_t fallbacks = 0;      ///< questions the rules brain answered instead
};

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

  /// Reads one chat line into the same intent the rules parser produces.
  /// `rules_reading` is the rules parser's reading of the line (the line is
  /// parsed once, by the agent). `reply_text` receives a plain answer when
  /// the line was a question the brain answered itself (kind unknown with a
  /// reply: show it instead of help); `note` says when an LLM brain fell back
  /// to the rules parser. The rules brain: the rules reading, no reply, no note.
  virtual intent understand(const std::string& text, const intent& rules_reading, bool has_proposal,
                            const std::function<bool(const std::string&)>& symbol_exists,
                            std::string& reply_text, std::string& note) {
    (void)text;
    (void)has_proposal;
    (void)symbol_exists;
    reply_text.clear();
    note.clear();
    return rules_reading;
  }
  /// Spent over the brain's life.
  virtual brain_usage usage() const { return {}; }
  /// Spent on one trial (decisions and report).
  virtual brain_usage usage(msg::trial_id trial_id) const {
    (void)trial_id;
    return {};
  }
};

/// The default brain: offline, deterministic, from the numbers.
std::unique_ptr<brain> make_rules_brain();

}  // namespace mlt::brain
