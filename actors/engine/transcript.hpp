#pragma once
/// The engine's transcript: how a line is recorded (through the store, which
/// shows it to the observer once committed: what a person saw survives
/// kill -9) and the wording of the lines that carry the trial's numbers.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/message.hpp>

#include "actors/engine/engine_state.hpp"
#include "actors/tell.hpp"
#include "messages/event_data.hpp"
#include "messages/negotiation.hpp"
#include "messages/paper_msgs.hpp"
#include "messages/store_msgs.hpp"
#include "messages/work.hpp"
#include "ml/market/bar.hpp"

namespace mlt::actors::engine {

using msg::event_kind;
using msg::event_speaker;

/// Records one line of the run's transcript.
void emit(engine_self* self, trial_run& run, event_speaker speaker, event_kind kind, std::string text,
          msg::event_data data = {});

/// To the observer behind the transcript lines already sent to the store.
template <class T>
void tell_observer(engine_self* self, const trial_run& run, T content) {
  if (run.observer)
    tell(self, self->state.cfg.store, msg::relay_after_commit{run.observer, caf::make_message(std::move(content))});
}

/// The decision line ("ACTION ... — REASON ...") with its payload.
void announce(engine_self* self, trial_run& run, const msg::decision& d);

/// "k=v, k=v", or "defaults".
std::string params_text(const std::map<std::string, double>& p);

// The wording of the cycle's lines, in the order a trial shows them.
std::string started_line(msg::trial_id id, const msg::trial_plan& p);
std::string loading_line(const msg::trial_plan& p);
std::string loaded_line(const ml::bar_series& series);
std::string volatility_question(const msg::prepared& prep, const std::string& regime, double train_ratio);
std::string fitting_line(const msg::fit_started& st);
/// A fit step: measured (`fresh`) with its losses, or still in progress.
std::string step_line(const std::string& model, const std::string& who, const msg::fit_progress& p,
                      const std::string& unit, bool fresh);
std::string checkpoint_question(const msg::fit_progress& p, const std::string& unit);
/// `how` the fit ended ("finished after ...", "stopped at ..."), `what` it kept.
std::string kept_line(const std::string& model, const std::string& how, const msg::fit_kept& k);
/// An ensemble member stopped at a checkpoint.
std::string part_stopped_line(const std::string& model, const std::string& part_what, const msg::fit_kept& k);
std::string initial_results_line(const std::string& model, const msg::evaluation& ev, bool asks);
std::string optimizer_summary(const std::string& model, const msg::optimize_outcome& out);
std::string optimizer_line(const msg::optimize_outcome& out, bool replayed);
std::string optimizer_cut_short(double seconds, int evaluations, int budget);
std::string optimize_step_line(const msg::optimize_step& m);
std::string final_evaluation_line(const std::string& model, const std::string& test_range, const msg::evaluation& ev);
std::string test_paper_line(const msg::paper_outcome& po);

}  // namespace mlt::actors::engine
