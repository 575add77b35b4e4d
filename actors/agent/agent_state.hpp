#pragma once
/// The agent's conversation state and the functions its files share:
/// conversation.cpp (replies, brains, data facts), proposals.cpp (the
/// proposal state machine: propose, approve, start, resume, comparison arms),
/// chat.cpp (the chat line, one function per intent) and agent.cpp (the
/// behaviour: the engine's questions, finished trials).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
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

/// Universe arms handed to the engine at once; the rest wait for one to end.
/// Below the engine's default queue (32) plus its running trials.
constexpr std::size_t universe_window = 30;

/// An arm of a universe or comparison that the engine refused because its
/// queue was full waits in the agent and is offered again every
/// busy_retry_every (and whenever another trial of the agent ends), at most busy_retries
/// times: ten minutes, then its row fails saying so.
constexpr std::chrono::seconds busy_retry_every{5};
constexpr std::int32_t busy_retries = 120;
constexpr std::int64_t busy_wait_minutes = busy_retries * busy_retry_every.count() / 60;

/// The symbols a universe proposal fans out over.
struct universe_choice {
  std::vector<std::string> symbols;  ///< those that can be loaded, in the order named
  std::string universe;              ///< the built-in list they are ("dow30"), "" = named one by one
  std::vector<std::string> missing;  ///< what cannot run and why: "MSFT (no MSFT.csv in DIR and no Polygon key)"
};

struct agent_state {
  agent_config cfg;
  std::unique_ptr<brain::brain> rules;
  std::unique_ptr<brain::llm_brain> llm;  ///< the LLM brain in use, if any
  std::string active = "rules";           ///< rules | anthropic | openai
  std::map<msg::trial_id, trial_mode> modes;
  std::map<msg::trial_id, comparison> comparisons;    ///< by the first trial's id
  std::map<msg::trial_id, msg::trial_id> compared_in;  ///< trial -> its comparison
  std::map<msg::proposal_id, std::vector<std::string>> batch_models;  ///< proposal -> models to compare
  std::map<msg::proposal_id, universe_choice> batch_symbols;      ///< proposal -> symbols to fan out over
  /// Universe arms recorded but not yet handed to the engine, in order.
  std::deque<std::pair<msg::trial_id, msg::trial_plan>> waiting_arms;
  /// Arms waiting because the engine answered busy: how often it has so far.
  std::map<msg::trial_id, std::int32_t> busy_refusals;
  std::optional<std::pair<msg::proposal_id, msg::trial_plan>> last_approved;
  std::string active_llm_kind;            ///< kind of `llm` when active is rules
  std::map<msg::proposal_id, std::string> scheduled_proposals;  ///< offered from a schedule -> its origin
  caf::actor observer;
  bool observer_gone = false;
  std::optional<std::pair<msg::proposal_id, msg::trial_plan>> proposal;  ///< the open one
  std::set<msg::proposal_id> superseded;  ///< earlier revisions of proposals
  std::set<msg::trial_id> active_trials;
  /// LLMs that shaped a proposal (read the line it came from), by proposal
  /// and then by trial, for the knowledge-cutoff caveat.
  std::map<msg::proposal_id, std::vector<brain::llm_role>> proposal_llms;
  std::map<msg::trial_id, std::vector<brain::llm_role>> trial_llms;
  static inline const char* name = "agent";
};

using agent_self = caf::stateful_actor<agent_state, agent_actor::base>;
/// The answer to the person's chat or approval, delivered when it is known.
using turn_promise = caf::typed_response_promise<msg::agent_turn>;

// One trial of an approval: a single trial, or one arm of a comparison.
struct arm_spec {
  std::string label;
  trial_mode mode = trial_mode::rules;
  std::string model;   ///< overrides the plan's model ("" = keep)
  std::string origin;  ///< chat | compare:<arm> | universe | schedule:<name>
  std::string symbol;    ///< a universe arm's symbol ("" = keep the plan's)
  std::string universe;  ///< the built-in list that symbol came from ("" = none)
};

// ---- conversation.cpp
msg::agent_turn reply(std::string text, msg::trial_id trial_id = {});
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
void say(agent_self* self, std::string text, msg::trial_id trial_id = {});

// ---- proposals.cpp
/// Saves the plan as a new proposal revision and answers with it.
void propose(agent_self* self, turn_promise rp, msg::trial_plan plan, std::string lead,
             std::vector<std::string> batch = {}, std::vector<brain::llm_role> authors = {},
             universe_choice universe = {});
msg::trial_plan arm_plan(msg::trial_plan plan, const arm_spec& a);
void start_one(agent_self* self, msg::trial_id trial_id, msg::trial_plan plan);
/// Records every arm as a trial, then answers and starts them in order.
void start_arms(agent_self* self, turn_promise rp, msg::proposal_id pid, msg::trial_plan plan,
                std::vector<arm_spec> arms_in, std::string kind,
                std::shared_ptr<std::vector<msg::trial_id>> ids = nullptr, bool pid_fresh = true,
                std::vector<std::string> skipped = {});
/// "resume trial 12": continues an interrupted or failed trial from its checkpoint.
void resume(agent_self* self, turn_promise rp, msg::trial_id trial_id);
/// Approves proposal `proposal_id` (0 = the open one).
void approve(agent_self* self, turn_promise rp, msg::proposal_id proposal_id);

// ---- universe.cpp
/// Why `symbol` has no real bars under `plan` (no file and no Polygon key,
/// so "auto" would fall back to the synthetic market); "" when it has.
std::string why_no_data(const agent_state& st, const msg::trial_plan& plan, const std::string& symbol);
/// The symbols of `wanted` that can run under `plan`, with a sentence naming
/// the rest (and `unknown`, words that are no symbol); false with `refusal`
/// set when the list is over plan_limits::max_universe_symbols or none can run.
bool choose_universe(agent_state& st, const msg::trial_plan& plan, const std::vector<std::string>& wanted,
                     const std::string& universe, const std::vector<std::string>& unknown, universe_choice& out,
                     msg::agent_turn& refusal);
/// "I cannot load MSFT (...); XYZ (...)" ("" when nothing is missing).
std::string missing_text(const universe_choice& u);
/// A universe proposal's plan text: the plan with its symbols, what each
/// loads, and how many trials an approval starts.
std::string universe_plan_text(const agent_state& st, msg::trial_plan plan, const universe_choice& u,
                               const std::vector<std::string>& models);
/// Applies an edit's symbols ("drop MSFT", "add TSLA", a new list); "" or
/// why it cannot.
std::string edit_universe(universe_choice& u, const brain::plan_edit& e);
/// A schedule's symbols: the plan once per symbol, approved as it stands.
void run_universe(agent_self* self, turn_promise rp, const msg::run_universe& m);
/// Cancels a universe arm still waiting for its turn (never handed to the
/// engine): false when `trial_id` is not waiting.
bool cancel_waiting(agent_self* self, msg::trial_id trial_id);
/// "cancel" (or "cancel AAPL", `symbol`) while a universe runs: cancels
/// every arm of the newest universe (or that symbol's) that has not ended,
/// waiting ones here and the rest in the engine, and answers how many; false
/// when no universe is running (the caller cancels one trial as before).
bool cancel_universe(agent_self* self, turn_promise& rp, const std::string& symbol);
/// The engine refused arm `trial_id` as busy: it waits at the head of the
/// waiting arms and a timer offers it again (the person hears once per
/// universe why it waits); false when it has waited busy_retries times already.
bool wait_when_busy(agent_self* self, msg::trial_id trial_id, const msg::trial_plan& plan, const caf::error& e);
/// The timer of wait_when_busy: offers the arm again if it still waits after
/// `refusals` refusals (not started by an ending arm, not cancelled).
void retry_arm(agent_self* self, msg::trial_id trial_id, std::int32_t refusals);
/// One arm per symbol, or per symbol and model.
std::vector<arm_spec> universe_arms(const universe_choice& u, const std::vector<std::string>& models, trial_mode mode,
                                    const std::string& origin);

// ---- chat.cpp
/// Reads one chat line (once) and answers it through the intent's function.
void on_chat(agent_self* self, turn_promise rp, const std::string& text);

// ---- agent.cpp
/// A comparison arm finished (summary and report) or failed (`failure`).
void arm_done(agent_self* self, msg::trial_id trial_id, const msg::trial_summary* s, const msg::final_report* r,
              const std::string& failure, const std::string& remembers = "", const std::string& plan_remembers = "");
void trial_finished(agent_self* self, msg::trial_id trial_id);
/// Ends a conversation's agent whose person left once its trials are done.
void maybe_quit(agent_self* self);

}  // namespace mlt::actors::agent
