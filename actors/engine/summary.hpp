#pragma once
/// Everything measured in a trial, gathered for the report.

#include "actors/engine/engine_state.hpp"
#include "messages/trial.hpp"
#include "messages/walk_forward_msgs.hpp"
#include "messages/work.hpp"

namespace mlt::actors::engine {

/// The run's summary; takes the paper outcome's curves and trades.
msg::trial_summary summarize(const trial_run& run, const msg::evaluation& ev, msg::paper_outcome& po,
                             const msg::walk_forward_result& wf);

}  // namespace mlt::actors::engine
