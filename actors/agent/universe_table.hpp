#pragma once
/// A universe trial's answer: one row per symbol (and model) with test
/// accuracy, AUC, walk-forward IC and strategy against buy-and-hold, each
/// with its standard error, a pooled line per model across symbols, and the
/// caveats that keep the numbers honest.

#include "actors/agent/comparison.hpp"
#include "messages/universe_msgs.hpp"

namespace mlt::actors {

/// The combined report of a finished universe comparison (kind "universe"),
/// its `text` included; report_id is left 0 for the store to give.
msg::universe_report universe_report_of(const comparison& c);

}  // namespace mlt::actors
