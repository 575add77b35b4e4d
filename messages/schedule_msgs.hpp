#pragma once
/// Scheduled runs (their persisted state in the store, the scheduler's view)
/// and resuming an interrupted trial in the engine.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/plan.hpp"
#include "messages/store_msgs.hpp"

namespace mlt::msg {

/// scheduler -> store: record that schedule `name` fires for `fire_utc`
/// before acting on it. Answers true if recorded, false if the schedule
/// already fired for this time or a later one (then it must not act).
struct record_fire {
  std::string name;
  std::int64_t fire_utc = 0;  ///< seconds since epoch
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_fire& x) {
  return f(caf::meta::type_name("record_fire"), x.name, x.fire_utc);
}

/// scheduler -> store: what the last fire did (fire and forget).
struct record_schedule_outcome {
  std::string name;
  msg::trial_id trial_id;     ///< the trial it started, 0 if none
  std::string text;           ///< "trial 12 started", "proposal 5 waits for approval", ...
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_schedule_outcome& x) {
  return f(caf::meta::type_name("record_schedule_outcome"), x.name, x.trial_id, x.text);
}

/// The persisted state of one schedule.
struct schedule_state {
  std::string name;
  std::int64_t last_fire_utc = 0;  ///< 0 = never fired
  msg::trial_id last_trial_id;
  std::string last_result;
  std::string updated_at;          ///< ISO 8601 UTC
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_state& x) {
  return f(caf::meta::type_name("schedule_state"), x.name, x.last_fire_utc, x.last_trial_id, x.last_result,
           x.updated_at);
}

/// store: every persisted schedule state; answers schedule_state_list.
struct schedule_states_query {
  std::int32_t limit = 100;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_states_query& x) {
  return f(caf::meta::type_name("schedule_states_query"), x.limit);
}

struct schedule_state_list {
  std::vector<schedule_state> states;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_state_list& x) {
  return f(caf::meta::type_name("schedule_state_list"), x.states);
}

/// One schedule as the scheduler sees it.
struct schedule_status {
  std::string name;
  std::string kind;      ///< trial | paper_update
  std::string cron;
  std::string timezone;
  bool enabled = true;
  bool approved = true;
  std::string problem;   ///< why it is not running ("" if fine)
  std::int64_t next_fire_utc = 0;  ///< 0 = none
  std::int64_t last_fire_utc = 0;
  msg::trial_id last_trial_id;
  std::string last_result;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_status& x) {
  return f(caf::meta::type_name("schedule_status"), x.name, x.kind, x.cron, x.timezone, x.enabled, x.approved,
           x.problem, x.next_fire_utc, x.last_fire_utc, x.last_trial_id, x.last_result);
}

/// anyone -> scheduler: every configured schedule; answers schedule_list.
struct schedules_query {
  std::int32_t limit = 100;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedules_query& x) {
  return f(caf::meta::type_name("schedules_query"), x.limit);
}

struct schedule_list {
  std::vector<schedule_status> schedules;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_list& x) {
  return f(caf::meta::type_name("schedule_list"), x.schedules);
}

/// agent -> engine: run a trial the store reopened (reopen_trial) under its
/// old id; its transcript continues after `last_seq`, and the answers in
/// `checkpoint` are re-applied instead of asked again. Answers like
/// start_trial (queue position, 0 = started), or an error if that trial is
/// already queued or running.
struct resume_trial {
  msg::trial_id trial_id;
  trial_plan plan;
  caf::actor agent;
  caf::actor observer;
  std::int64_t last_seq = 0;
  trial_checkpoint checkpoint;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_trial& x) {
  return f(caf::meta::type_name("resume_trial"), x.trial_id, x.plan, x.agent, x.observer, x.last_seq,
           x.checkpoint);
}

}  // namespace mlt::msg
