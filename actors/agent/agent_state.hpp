#pragma once
/// The agent's conversation state and the functions its files share:
/// conversation.cpp (replies, brains, data facts), proposals.cpp (the
/// proposal state machine: propose, approve, start, resume, comparison arms),
/// chat.cpp (the chat line, one function per intent) and agent.cpp (the
/// behaviour: the engine's questions, finished trials).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/agent/comparison.hpp"
#include "actors/brain/brain.hpp"
#include "actors/brain/intent.hpp"
#include "actors/brain/llm_brain.hpp"
#include "actors/fwd.hpp"

namespace mlt::actors::agent {

/// How a trial's checkpoint questions are answered.
enum class trial_mode { rules, llm, baseline };

struct agent_state {
  agent_config cfg;
  std::unique_ptr<brain::brain> rules;
  std::unique_ptr<brain::llm_brain> llm;  ///< the LLM brain in use, if any
  std::string active = "rules";           ///< rules | anthropic | openai
  std::map<std::int64_t, trial_mode> modes;
  std::map<std::int64_t, comparison> comparisons;    ///< by the first trial's id
  std::map<std::int64_t, std::int64_t> compared_in;  ///< trial -> its comparison
  std::map<std::int64_t, std::vector<std::string>> batch_models;  ///< proposal -> models to compare
  std::optional<std::pair<std::int64_t, msg::trial_plan>> last_approved;
  std::string active_llm_kind;            ///< kind of `llm` when active is rules
  std::map<std::int64_t, std::string> scheduled_proposals;  ///< offered from a schedule -> its origin
  caf::actor observer;
  bool observer_gone = false;
  std::optional<std::pair<std::int64_t, msg::trial_plan>> proposal;  ///< the open one
  std::set<std::int64_t> superseded;  ///< earlier revisions of proposals
  std::set<std::int64_t> active_trials;
  /// LLMs that shaped a proposal (read the line it came from), by proposal
  /// and then by trial, for the knowledge-cutoff caveat.
  std::map<std::int64_t, std::vector<brain::llm_role>> proposal_llms;
  std::map<std::int64_t, std::vector<brain::llm_role>> trial_llms;
  static inline const char* name = "agent";
};

using agent_self = caf::stateful_actor<agent_state, agent_actor::base>;
/// The answer to the person's chat or approval, delivered when it is known.
using turn_promise = caf::typed_response_promise<msg::agent_turn>;

using agent_self = caf::stateful_actor<agent_state, agent_actor::base>;
/// The answer to the person's chat or approval, delivered when it is known.
using turn_promise = caf::typed_response_promise<msg::agent_turn>;

// One trial of an approval: a single trial, or one arm of a comparison.
struct arm_spec {
  std::string label;
  trial_mode mode = trial_mode::rules;
  std::string model;   ///< overrides the plan's model ("" = keep)
  std::string origin;  ///< chat | compare:<arm>
};

// ---- conversation.cpp
msg::agent_turn reply(std::string text, std::int64_t trial_id = 0);
msg::agent_turn error(std::string code, std::string text);
/// "2026-11-29 02:30 UTC" from seconds since the epoch.
std::string utc_text(std::int64_t t);
/// Which symbols exist is the data source's knowledge; the agent asks it.
bool symbol_exists(const agent_state& st, const std::string& s);
/// The last day the plan's data will have once `e` is applied ("" = today).
std::string data_end_for(const agent_state& st, msg::trial_plan plan, const brain::plan_edit& e);
std::string help_text();
trial_mode current_mode(const agent_state& st);
std::string brain_label(const agent_state& st, const std::string& kind);
/// An LLM brain of `kind`; nullptr with `why` set when it can't be built.
std::unique_ptr<brain::llm_brain> make_llm(agent_self* self, const std::string& kind, std::string& why);
/// Tells the person something nobody asked for right now.
void say(agent_self* self, std::string text, std::int64_t trial_id = 0);

// ---- proposals.cpp
/// Saves the plan as a new proposal revision and answers with it.
void propose(agent_self* self, turn_promise rp, msg::trial_plan plan, std::string lead,
             std::vector<std::string> batch = {}, std::vector<brain::llm_role> authors = {});
msg::trial_plan arm_plan(msg::trial_plan plan, const arm_spec& a);
void start_one(agent_self* self, std::int64_t trial_id, msg::trial_plan plan);
/// Records every arm as a trial, then answers and starts them in order.
void start_arms(agent_self* self, turn_promise rp, std::int64_t pid, msg::trial_plan plan,
                std::vector<arm_spec> arms_in, std::string kind,
                std::shared_ptr<std::vector<std::int64_t>> ids = nullptr, bool pid_fresh = true);
/// "resume trial 12": continues an interrupted or failed trial from its checkpoint.
void resume(agent_self* self, turn_promise rp, std::int64_t trial_id);
/// Approves proposal `proposal_id` (0 = the open one).
void approve(agent_self* self, turn_promise rp, std::int64_t proposal_id);

// ---- chat.cpp
/// Reads one chat line (once) and answers it through the intent's function.
void on_chat(agent_self* self, turn_promise rp, const std::string& text);

// ---- agent.cpp
/// A comparison arm finished (summary and report) or failed (`failure`).
void arm_done(agent_self* self, std::int64_t trial_id, const msg::trial_summary* s, const msg::final_report* r,
              const std::string& failure, const std::string& remembers = "", const std::string& plan_remembers = "");
void trial_finished(agent_self* self, std::int64_t trial_id);

}  // namespace mlt::actors::agent
