#pragma once
/// The engine's state: one run per queued or active trial.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/brain/brain.hpp"
#include "actors/engine/checkpoint.hpp"
#include "actors/fwd.hpp"
#include "messages/negotiation.hpp"
#include "messages/shared_bars.hpp"
#include "messages/trial.hpp"
#include "messages/work.hpp"

namespace mlt::actors {

/// One trial as the engine drives it.
struct trial_run {
  msg::trial_id id;
  msg::trial_plan plan;
  caf::actor agent;
  caf::actor observer;
  trainer_actor trainer;
  std::int64_t seq = 0;
  bool cancelled = false;
  std::string store_failure;  ///< why the store could not write its transcript ("" while it can); see engine/steps.hpp `find`
  std::int32_t decisions = 0;       ///< agent answers used (budget)
  std::int32_t configurations = 0;  ///< fits started, optimiser evaluations
  std::int64_t config_key = 0;      ///< store key of the current fit
  /// Configurations recorded so far in this run, in order: their store keys.
  /// A resumed trial redoes its work in the same order, so it records the
  /// same keys again instead of counting its configurations twice.
  std::int64_t configs_recorded = 0;
  std::vector<std::string> models_tried;
  std::string model;                ///< model currently being fitted
  std::map<std::string, double> params;
  std::int32_t modifications = 0;   ///< of the current fit
  std::vector<double> val_loss_history;  ///< of the measured steps of the current fit
  std::int32_t last_measured_step = 0;   ///< of the current fit; the next must be greater
  std::string fit_part;                  ///< part of the current fit the loss history is of (ensemble member)
  msg::shared_bars series;  ///< loaded once; the trainer and the paper trader share it
  msg::prepared prep;
  msg::fit_started fit;
  std::string regime;
  std::vector<std::string> warnings;
  std::string optimizer;  ///< what the optimiser tried and chose
  // Checkpoint: the answers and optimiser outcomes so far; on resume, the
  // recorded ones still to re-apply.
  std::vector<msg::recorded_decision> answers;
  std::vector<msg::recorded_optimization> optimizations;
  checkpoint::replay replay;
  msg::multiple_testing tested;  ///< daemon-wide count for the deflated Sharpe, read before the test
};

struct engine_state;

/// The engine as its own behaviour sees it.
using engine_self = caf::stateful_actor<engine_state, engine_actor::base>;

struct engine_state {
  engine_config cfg;
  std::map<msg::trial_id, trial_run> runs;
  std::deque<msg::trial_id> queue;
  std::vector<trainer_actor> idle_trainers;
  std::unique_ptr<brain::brain> fallback;  ///< rules, for late or invalid answers
  static inline const char* name = "engine";
};

}  // namespace mlt::actors
