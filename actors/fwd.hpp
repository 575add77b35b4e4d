#pragma once
/// Every actor of mlTrainer, its typed interface (what it receives and what
/// it answers) and how to spawn it; the messages are the structs in messages/.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/chat.hpp"
#include "messages/fit_msgs.hpp"
#include "messages/cluster_msgs.hpp"
#include "messages/negotiation.hpp"
#include "messages/paper_msgs.hpp"
#include "messages/plan.hpp"
#include "messages/session_msgs.hpp"
#include "messages/schedule_msgs.hpp"
#include "messages/store_msgs.hpp"
#include "messages/trial.hpp"
#include "messages/universe_msgs.hpp"
#include "messages/walk_forward_msgs.hpp"
#include "messages/work.hpp"
#include "ml/market/data_source.hpp"
#include "net/llm_client.hpp"

namespace mlt::net {
class ws_connection;
}

namespace mlt::actors {

/// Where an actor that blocks (I/O, training, an LLM) runs: on a thread of
/// its own in the daemon, or on the scheduler like any other actor, so that
/// CAF's deterministic test coordinator can step it message by message.
enum class thread_mode { detached, scheduled };

/// The SQLite record of proposals, trials, transcripts, reports, checkpoints,
/// portfolios and schedules. A failed write or read answers msg::errc::store_failed
/// with the reason. The fire-and-forget ones (reacts_to) never answer: a
/// transcript line it cannot write is never relayed, and its sender (the
/// engine) gets a trial_failed naming the line instead.
using store_actor = caf::typed_actor<
    caf::replies_to<msg::save_proposal>::with<msg::proposal_id>,
    caf::replies_to<msg::save_pending_proposal>::with<msg::proposal_id>,
    caf::replies_to<msg::pending_proposals_query>::with<msg::pending_proposal_list>,
    caf::replies_to<msg::dismiss_proposal>::with<bool>,               // false: it was not waiting
    caf::replies_to<msg::create_trial>::with<msg::trial_id>,
    caf::replies_to<msg::reopen_trial>::with<msg::reopened_trial>,
    caf::replies_to<msg::interrupt_running>::with<std::int32_t>,      // how many
    caf::reacts_to<msg::record_event>,       // a transcript line; relayed once committed
    caf::reacts_to<msg::relay_after_commit>,  // to an observer behind the lines before it
    caf::reacts_to<msg::set_trial_status>,
    caf::reacts_to<msg::save_checkpoint>,
    caf::reacts_to<msg::record_configuration>,
    caf::replies_to<msg::save_report>::with<bool>,
    caf::replies_to<msg::list_trials_query>::with<msg::trial_list>,
    caf::replies_to<msg::get_trial_query>::with<msg::trial_record>,
    caf::replies_to<msg::latest_trial_query>::with<msg::trial_record>,
    caf::replies_to<msg::trial_counts_query>::with<msg::trial_counts>,
    caf::replies_to<msg::multiple_testing_query>::with<msg::multiple_testing>,
    caf::replies_to<msg::portfolio_query>::with<msg::portfolio_record>,
    caf::replies_to<msg::save_portfolio>::with<bool>,
    caf::replies_to<msg::record_fire>::with<bool>,  // false: that fire time already ran
    caf::reacts_to<msg::record_schedule_outcome>,
    caf::replies_to<msg::schedule_states_query>::with<msg::schedule_state_list>,
    caf::replies_to<msg::save_universe_report>::with<std::int64_t>,  // the report id
    caf::replies_to<msg::universe_reports_query>::with<msg::universe_report_list>>;

/// Owns the SQLite record; runs detached because SQLite blocks.
store_actor spawn_store(caf::actor_system& sys, const std::string& db_path);

/// Loads bars (CSV, synthetic, Polygon) for the engine and the paper trader;
/// a request that names an engine gets data_progress_msg on the way.
using data_loader_actor = caf::typed_actor<caf::replies_to<msg::load_bars_request>::with<ml::bar_series>>;

/// Detached because it does I/O.
data_loader_actor spawn_data_loader(caf::actor_system& sys, ml::data_environment env);

/// One model fit at a time, advanced in bounded steps, so the engine can ask
/// the agent between steps and cancel works; an optimise request that names
/// the engine sends it optimize_step after each evaluation.
using trainer_actor = caf::typed_actor<
    caf::replies_to<msg::prepare_request>::with<msg::prepared>,
    caf::replies_to<msg::fit_request>::with<msg::fit_started>,
    caf::replies_to<msg::fit_step_request>::with<msg::fit_progress>,
    caf::replies_to<msg::fit_stop_request>::with<msg::fit_kept>,
    caf::replies_to<msg::optimize_request>::with<msg::optimize_outcome>,
    caf::replies_to<msg::evaluate_request>::with<msg::evaluation>,
    caf::replies_to<msg::walk_forward_request>::with<msg::walk_forward_started>,
    caf::replies_to<msg::walk_forward_step_request>::with<msg::walk_forward_progress>,
    caf::replies_to<msg::walk_forward_collect>::with<msg::walk_forward_outcome>>;

/// Runs fit jobs (ml/models/fit_job.hpp), one at a time, for any trainer:
/// the folds of an optimiser's evaluation and of the walk-forward evidence,
/// and an ensemble's members within them.
using fit_worker_actor = caf::typed_actor<caf::replies_to<msg::fit_job>::with<msg::fit_done>>;

/// The bounded set of fit workers all trainers of a daemon share
/// (limits.parallel_fits); empty = each trainer fits on its own thread.
struct fit_workers {
  std::vector<fit_worker_actor> workers;
  /// Set by abandon(): the workers give up the fits they run (at the next
  /// model step) and the ones they are sent, so a stopping daemon need not wait.
  std::shared_ptr<std::atomic<bool>> abandoned = std::make_shared<std::atomic<bool>>(false);
  void abandon() const { abandoned->store(true); }
};

/// `count` detached workers; none when count <= 1 (fits run in turn).
fit_workers spawn_fit_workers(caf::actor_system& sys, int count);

/// Detached so training never occupies a scheduler thread that sessions need.
/// With `workers` (detached mode only), independent folds run on them at once.
trainer_actor spawn_trainer(caf::actor_system& sys, thread_mode mode = thread_mode::detached,
                            fit_workers workers = {});

struct paper_trader_config {
  store_actor store;
  data_loader_actor loader;
  std::string models_dir;
};

/// Whoever watches a trial or a conversation live: a session, which turns
/// each message into a client frame. Scheduled trials have none.
using observer_actor = caf::typed_actor<
    caf::reacts_to<msg::trial_event>,   // a transcript line, once it is stored
    caf::reacts_to<msg::trial_report>,  // the final report
    caf::reacts_to<msg::trial_failed>,  // failed, cancelled or interrupted
    caf::reacts_to<msg::paper_note>,    // a forward paper fill
    caf::reacts_to<msg::agent_turn>,    // the agent speaking unasked
    caf::reacts_to<msg::universe_report>>;  // a universe trial's combined report

/// Simulates paper trading over a trial's test predictions (for the engine)
/// and keeps forward paper portfolios (portfolio_request answers a sentence;
/// the fills go to the request's observer as paper_note).
using paper_trader_actor = caf::typed_actor<
    caf::replies_to<msg::paper_request>::with<msg::paper_outcome>,
    caf::replies_to<msg::portfolio_request>::with<std::string>>;

/// Detached because a paced replay sleeps between bars.
paper_trader_actor spawn_paper_trader(caf::actor_system& sys, paper_trader_config cfg,
                                      thread_mode mode = thread_mode::detached);

struct engine_config {
  int max_concurrent = 2;   ///< trials running at once (= trainers)
  int max_queue = 32;       ///< trials waiting; beyond that "busy"
  std::chrono::milliseconds decision_deadline{10000};
  store_actor store;
  data_loader_actor loader;
  paper_trader_actor paper;
  std::string models_dir;   ///< fitted models kept for forward paper trading; "" = none
  /// Each of the engine's trainers; tests hand it a scripted one.
  std::function<trainer_actor(caf::actor_system&)> make_trainer = [](caf::actor_system& sys) {
    return spawn_trainer(sys);
  };
};

/// The ML engine: every trial's state machine. start_trial and resume_trial
/// answer the queue position (0 = running now); cancel_trial answers whether
/// there was a trial to cancel. A trial's lines and questions go to the
/// agent and observer named in its start_trial.
using engine_actor = caf::typed_actor<
    caf::replies_to<msg::start_trial>::with<std::int32_t>,
    caf::replies_to<msg::resume_trial>::with<std::int32_t>,
    caf::replies_to<msg::cancel_trial>::with<bool>,
    caf::reacts_to<msg::optimize_step>,      // from its trainers
    caf::reacts_to<msg::data_progress_msg>,  // from the data loader
    caf::reacts_to<msg::trial_failed>,       // from the store: a line it could not write
    caf::reacts_to<msg::trainer_moved>>;     // from a remote trainer (actors/cluster/)

engine_actor spawn_engine(caf::actor_system& sys, engine_config cfg);

inline net::llm_settings llm_kind(const char* kind) {
  net::llm_settings s;
  s.kind = kind;
  return s;
}

/// How the agent may think: the default brain for new conversations and
/// the LLMs it can switch to ("use claude").
struct brain_config {
  std::string kind = "rules";               ///< rules | anthropic | openai
  net::llm_settings anthropic = llm_kind("anthropic");  ///< key and base URL already resolved
  net::llm_settings openai = llm_kind("openai");
  std::int32_t max_decisions = 8;           ///< LLM decisions per trial; then rules
  std::int64_t token_budget = 200000;       ///< LLM tokens per trial; then rules
  std::int32_t memory_turns = 20;           ///< chat turns an LLM brain remembers
  std::int32_t anthropic_max_tokens = 1024;  ///< per Claude reply
  std::int32_t openai_max_tokens = 1024;     ///< per OpenAI-compatible reply
  std::chrono::milliseconds deadline{10000};  ///< per LLM exchange; then rules
};

struct agent_config {
  engine_actor engine;
  store_actor store;
  paper_trader_actor paper; ///< forward paper portfolios
  std::string data_dir;     ///< SYMBOL.csv files make symbols known
  bool polygon_key = false; ///< a Polygon key is set (auto data then means Polygon)
  msg::trial_plan defaults; ///< what a new proposal starts from
  std::string brain = "rules";  ///< the default brain's kind (= brains.kind)
  brain_config brains;
};

/// The agent's own timer: offer trial N again to an engine that answered
/// busy, unless it was refused again since (the refusal count tells).
using arm_retry_atom = caf::atom_constant<caf::atom("armretry")>;

/// mlTrainer, the agent of one conversation: answers the person's chat and
/// approvals with a turn, the engine's three checkpoint questions with a
/// decision, and a finished trial's summary with the report.
using agent_actor = caf::typed_actor<
    caf::replies_to<msg::user_chat>::with<msg::agent_turn>,
    caf::replies_to<msg::user_approve>::with<msg::agent_turn>,
    caf::replies_to<msg::volatility_report>::with<msg::decision>,
    caf::replies_to<msg::progress_report>::with<msg::decision>,
    caf::replies_to<msg::initial_results>::with<msg::decision>,
    caf::replies_to<msg::trial_summary>::with<msg::final_report>,
    caf::replies_to<msg::run_universe>::with<msg::agent_turn>,  // a schedule's symbols
    caf::reacts_to<msg::trial_failed>,
    caf::reacts_to<arm_retry_atom, msg::trial_id, std::int32_t>>;  // trial, refusals so far

/// `observer` receives trial events (usually the session; none for the
/// scheduler's headless agent); the agent stops when the observer is gone
/// and its trials are finished. Detached: an LLM brain blocks while it
/// thinks, and must not hold a scheduler thread other actors need.
agent_actor spawn_agent(caf::actor_system& sys, agent_config cfg, caf::actor observer,
                        thread_mode mode = thread_mode::detached);

/// The scheduler's own timer: a tick of generation N (older ones are
/// stale), and a retry of reading the saved schedule state.
using schedule_tick_atom = caf::atom_constant<caf::atom("schedtick")>;
using schedule_load_atom = caf::atom_constant<caf::atom("schedload")>;

/// Fires the config file's schedules (trials through a headless agent,
/// paper-portfolio updates) and answers what they are and how they went.
/// Spawned by spawn_scheduler (actors/scheduler.hpp, with its config).
using scheduler_actor = caf::typed_actor<
    caf::replies_to<msg::schedules_query>::with<msg::schedule_list>,
    caf::reacts_to<schedule_tick_atom, std::int64_t>,
    caf::reacts_to<schedule_load_atom>>;

struct session_config {
  store_actor store;
  engine_actor engine;
  agent_config agent;
  std::string version;
  int messages_per_minute = 0;  ///< per-session frame rate; 0 = unlimited
  std::size_t max_message_bytes = 0;  ///< longer frames are refused, the session stays; 0 = no limit
  thread_mode agent_mode = thread_mode::detached;  ///< where the session's agent runs (tests: scheduled)
};

/// One WebSocket conversation: decodes the frames the connection hands it,
/// and encodes what it observes (and the agent's answers) as frames.
using session_actor = observer_actor::extend<
    caf::reacts_to<msg::ws_frame_in>,  // a text frame from the client
    caf::reacts_to<msg::ws_closed>>;   // the client went away

session_actor spawn_session(caf::actor_system& sys, std::shared_ptr<net::ws_connection> conn,
                            session_config cfg);

}  // namespace mlt::actors
