#pragma once
/// A brain that thinks with an LLM (Claude or any OpenAI-compatible server)
/// through tool calls, and trusts but verifies: every call is checked
/// (llm_tools), an invalid one gets one repair request, and whatever still
/// fails -- invalid answers, errors, timeouts, spent budgets -- is decided by
/// the rules brain, with a note saying why.
///
/// Synchronous: each method blocks for its network exchanges (bounded by the
/// deadlines below), so call it from a thread that may block (a detached
/// actor). Calls are serialised by an internal mutex.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "actors/brain/brain.hpp"
#include "actors/brain/cutoff_caveat.hpp"
#include "actors/brain/llm_tools.hpp"
#include "net/llm_client.hpp"

namespace mlt::brain {

struct llm_brain_options {
  /// Whole budget of one checkpoint question, repair included; later -> rules.
  std::chrono::milliseconds decision_deadline{20000};
  /// Whole budget of reading one chat line.
  std::chrono::milliseconds chat_deadline{30000};
  /// Whole budget of writing one report.
  std::chrono::milliseconds report_deadline{60000};
  /// Checkpoint questions the LLM answers per trial; the rest go to rules.
  int max_decisions = 8;
  /// Input plus output tokens per trial (decisions and report); once spent,
  /// the rules brain answers without calling the LLM.
  std::int64_t token_budget = 60000;
  /// Chat exchanges (a line and its answer) remembered for context.
  int memory_turns = 6;
  /// max_tokens of each request.
  int max_tokens = 1024;
  /// Ask the LLM to write the final report (else the rules brain writes it).
  bool llm_report = true;
  /// The model's knowledge cutoff ("YYYY-MM[-DD]", "" = unknown) and the
  /// config key that sets it, for the report's contamination caveat.
  std::string knowledge_cutoff;
  std::string cutoff_setting;
};

class llm_brain final : public brain {
public:
  /// Takes the client (net::make_llm_client) and the limits. `symbol_exists`
  /// checks the tickers of chat tool calls when understand() is given none.
  explicit llm_brain(std::unique_ptr<net::llm_client> client, llm_brain_options options = {},
                     std::function<bool(const std::string&)> symbol_exists = {});

  /// "anthropic" or "openai" (the client's kind).
  std::string name() const override;
  /// The model the client talks to.
  std::string model() const;

  msg::decision on_volatility(const msg::volatility_report& r) override;
  msg::decision on_progress(const msg::progress_report& r) override;
  msg::decision on_initial_results(const msg::initial_results& r) override;
  msg::final_report on_result(const msg::trial_summary& s) override;

  /// Reads a chat line with the chat tools; the tool call becomes the same
  /// intent parse_intent produces. A `reply` call gives kind unknown with
  /// `reply_text` set (show it instead of help). approve/reject/help/use_brain
  /// lines the rules parser recognises are answered without the LLM. Invalid
  /// calls (after one repair) and failures fall back to the rules reading and
  /// set `note`.
  intent understand(const std::string& text, const intent& rules_reading, bool has_proposal,
                    const std::function<bool(const std::string&)>& symbol_exists, std::string& reply_text,
                    std::string& note) override;

  brain_usage usage() const override;
  brain_usage usage(msg::trial_id trial_id) const override;

  /// This LLM's part in a trial: the checkpoint decisions it made and
  /// whether it wrote the report (decided empty = none), with its cutoff.
  llm_role role_in(msg::trial_id trial_id) const;
  /// This LLM as the author of a proposal.
  llm_role proposal_role() const;

private:
  struct trial_state {
    brain_usage used;
    int asked = 0;  ///< checkpoint questions put to the LLM
    bool wrote_report = false;
  };
  msg::decision decide(msg::trial_id trial_id, llm_tools::question q, const std::string& question_json,
                       const llm_tools::decide_context& ctx, msg::decision rules_decision);
  msg::decision fallback(trial_state& t, msg::decision d, const std::string& note);
  std::optional<msg::final_report> ask_report(const msg::trial_summary& s, const std::string& numbers, trial_state& t,
                                              std::string& why_not);
  net::llm_reply call(const net::llm_request& req, brain_usage* trial);
  void remember(const std::string& user_text, const std::string& answer);
  std::string failure_note(const net::llm_error& e) const;
  std::string speaker() const;

  std::unique_ptr<net::llm_client> client_;
  llm_brain_options opt_;
  std::function<bool(const std::string&)> symbol_exists_;
  std::unique_ptr<brain> rules_;
  mutable std::mutex mutex_;
  brain_usage total_;
  std::map<msg::trial_id, trial_state> trials_;
  std::deque<net::llm_message> memory_;
};

/// The system prompt of checkpoint decisions and reports.
std::string decision_system_prompt();
/// The system prompt of chat.
std::string chat_system_prompt();

}  // namespace mlt::brain
