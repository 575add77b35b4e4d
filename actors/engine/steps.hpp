#pragma once
/// What the engine's files share: a run's bookkeeping (engine.cpp, beside
/// the queue), the question to the agent, and the steps of the trial cycle
/// (trial_cycle.cpp: data, volatility, fit with checkpoints; trial_results.cpp:
/// the results question, the optimiser, the test, paper trading, the report).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <caf/all.hpp>

#include "actors/engine/engine_state.hpp"
#include "actors/engine/transcript.hpp"
#include "messages/errors.hpp"
#include "messages/negotiation_checks.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors::engine {

// Long work (loading, evaluation, paper trading) gets generous time; a step
// is bounded by the model, so a minute means the trainer is stuck.
inline constexpr auto load_timeout = std::chrono::minutes(10);
inline constexpr auto work_timeout = std::chrono::minutes(5);

/// The run, without failing it (see `find`).
trial_run* live(engine_self* self, msg::trial_id id);

/// Every step of a run starts here. A run whose transcript the store could
/// not write is failed at its next step, when none of its requests is in
/// flight: a late reply cannot reach the run a "resume trial N" starts under
/// the same id, and its trainer is free for the next trial.
trial_run* find(engine_self* self, msg::trial_id id);

/// Fails the run: the line, the stored status, the observer and the agent.
void fail(engine_self* self, msg::trial_id id, const std::string& code, const std::string& message);

/// The run is over: its trainer serves the next queued trial.
void finish(engine_self* self, msg::trial_id id);

/// Gives idle trainers to queued trials.
void start_next(engine_self* self);

/// While a resumed run still re-applies its record, the stored checkpoint is
/// ahead of it and stays as it is.
void save_checkpoint(engine_self* self, const trial_run& run);

/// Every configuration fitted is counted by the store for the deflated
/// Sharpe ratio, keyed by the transcript line that announced it; a finished
/// fit is recorded again under the same key with its validation Sharpe.
void record_configuration(engine_self* self, const trial_run& run, std::int64_t key, const std::string& model,
                          const std::map<std::string, double>& params, const char* source,
                          const msg::evaluation* measured = nullptr);

inline int budget_left(const trial_run& run) { return run.plan.decision_budget - run.decisions; }

/// Asks the agent; a late, failed or invalid answer is replaced by the rules
/// brain's, and the note says so. A resumed run re-applies its recorded
/// answer instead. Every answer is recorded in the checkpoint once applied.
template <class Question, class Fallback, class Then>
void ask(engine_self* self, msg::trial_id id, Question q, msg::decision_context ctx, Fallback fallback, Then apply) {
  auto* run = find(self, id);
  if (!run) return;
  ++run->decisions;
  const auto key = checkpoint::key_of(q);
  auto then = [=](msg::decision d, bool replayed = false) {
    auto* r = find(self, id);
    if (!r) return;
    checkpoint::record_answer(*r, key, d);
    // Stored before the decision line is shown, so a shown decision is never
    // asked again; stored again once applied, with the plan as it now is.
    save_checkpoint(self, *r);
    if (replayed) d.note = checkpoint::replay_note(d.note);
    apply(d);
    if (auto* r = find(self, id)) save_checkpoint(self, *r);
  };
  std::string diverged;
  if (auto recorded = checkpoint::take_answer(*run, key, diverged)) {
    then(*recorded, true);
    return;
  }
  if (!diverged.empty())
    emit(self, *run, event_speaker::engine, event_kind::warning,
         "The resumed trial stops re-applying its recorded decisions: " + diverged + ". From here the agent is asked.");
  const auto deadline = self->state.cfg.decision_deadline;
  self->request(run->agent, deadline, q)
      .then(
          [=](msg::decision& d) {
            if (!find(self, id)) return;
            if (std::string why = msg::check_decision(d, ctx); !why.empty()) {
              auto fb = fallback(*self->state.fallback, q);
              fb.note = "the " + d.brain + " brain's answer was invalid (" + why + "); the rules brain decided";
              then(fb);
              return;
            }
            then(d);
          },
          [=](caf::error& err) {
            if (!find(self, id)) return;
            auto fb = fallback(*self->state.fallback, q);
            fb.note = err == caf::sec::request_timeout
                          ? "no answer from the agent within " + std::to_string(deadline.count()) +
                                " ms; the rules brain decided"
                          : "the agent could not answer (" + msg::error_sentence(err) + "); the rules brain decided";
            then(fb);
          });
}

// The trial cycle, in order.
void begin(engine_self* self, msg::trial_id id);                 // data, features, the volatility question
void fit(engine_self* self, msg::trial_id id);                   // a fit with its checkpoints
void evaluate_initial(engine_self* self, msg::trial_id id);      // the results question
void optimize(engine_self* self, msg::trial_id id, int budget);  // the optimiser, then a fit
void finalize(engine_self* self, msg::trial_id id);              // test, walk-forward, paper trading, report

}  // namespace mlt::actors::engine
