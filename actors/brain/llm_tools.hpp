#pragma once
/// The tools an LLM brain offers the model (JSON schemas) and the checks
/// every tool call must pass before the agent acts on it: action allowed for
/// the question, model known, parameters in range, symbols real.

#include <functional>
#include <string>
#include <vector>

#include "actors/brain/intent.hpp"
#include "messages/negotiation.hpp"
#include "messages/negotiation_checks.hpp"
#include "messages/trial.hpp"
#include "net/llm_client.hpp"

namespace mlt::brain::llm_tools {

/// Which checkpoint question a decide call answers (the vocabulary's word).
using msg::question;

/// `decide`, with the action enum of `q`.
net::llm_tool decide_tool(question q);
/// `write_report`: answer, analysis, trading_insights, recommendations, caveats.
net::llm_tool write_report_tool();
/// Chat: `propose_trial`, `amend_proposal`, `reply`, `command`.
std::vector<net::llm_tool> chat_tools();

/// What the question needs to judge a decide call.
struct decide_context {
  std::string model;                ///< model being fitted (progress, results)
  bool train_ratio_pinned = false;  ///< volatility: the person set it
  int budget_left = 1;              ///< results: decisions left
};

/// A checked decide call: `ok` with a decision, or `error` saying what was
/// wrong, phrased to send back to the model and to show the person.
struct checked_decision {
  bool ok = false;
  msg::decision decision;
  std::string error;
};
checked_decision check_decide(const std::string& arguments, question q, const decide_context& ctx);

struct checked_report {
  bool ok = false;
  msg::final_report report;
  std::string error;
};
/// All five sections non-empty text; the caveats must name synthetic data
/// when it is synthetic, and multiple testing when more than one
/// configuration was fitted.
checked_report check_report(const std::string& arguments, bool synthetic, int configurations = 1);

/// A checked chat tool call, mapped onto the rules parser's intent.
struct checked_intent {
  bool ok = false;
  intent in;
  std::string reply_text;  ///< for `reply`
  std::string error;
};
checked_intent check_chat_call(const net::llm_tool_call& call, bool has_proposal,
                               const std::function<bool(const std::string&)>& symbol_exists);

}  // namespace mlt::brain::llm_tools
