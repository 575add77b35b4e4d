#pragma once
/// The engine's walk-forward phase: after the final configuration is chosen,
/// it is refitted fold by fold over the whole history (the test part the last
/// fold), driven one bounded trainer step at a time so cancel works and each
/// fold shows as it finishes; then the concatenated out-of-sample predictions
/// are paper traded beside buy-and-hold and the SMA baseline.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <caf/stateful_actor.hpp>

#include "actors/engine/engine_state.hpp"
#include "messages/walk_forward_msgs.hpp"

namespace mlt::actors {

/// What the phase needs of the engine: the live run (nullptr once cancelled
/// or finished) and the transcript.
struct walk_forward_hooks {
  std::function<trial_run*(msg::trial_id)> find;
  /// (run, kind, text, data) as an engine line.
  std::function<void(trial_run&, msg::event_kind, const std::string&, msg::event_data)> emit;
};

/// Runs the phase for `model` with `params` and calls `then` with the result;
/// when the evidence cannot be built, the result has no folds and its note
/// says why (the trial goes on). Never calls `then` for a cancelled trial.
void run_walk_forward(engine_self* self, msg::trial_id id, const std::string& model,
                      const std::map<std::string, double>& params, walk_forward_hooks hooks,
                      std::function<void(msg::walk_forward_result)> then);

}  // namespace mlt::actors
