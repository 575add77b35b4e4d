#pragma once
/// Scheduled runs: trials (approved, or waiting as a proposal) and forward
/// paper-portfolio updates fired by cron expressions. Every fire is recorded
/// in the store before it acts, so no fire time runs twice, also across
/// restarts and crashes.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/fwd.hpp"
#include "config/cron.hpp"
#include "messages/plan.hpp"

namespace mlt::actors {

/// One schedule as the scheduler runs it (daemon.cpp converts the config's).
struct schedule_spec {
  std::string name;
  std::string cron;              ///< five fields, or six with leading seconds
  std::string timezone = "UTC";  ///< "UTC" or a fixed offset "+05:30"
  std::string kind = "trial";    ///< trial | paper_update
  msg::trial_plan plan;          ///< what a trial runs; paper_update uses plan.symbol
  /// A universe: the plan once per symbol through the headless agent (plan.symbol is the first).
  std::vector<std::string> symbols;
  std::string universe;          ///< the built-in list `symbols` is ("dow30"), "" = none
  bool approved = false;         ///< false: the trial waits as a proposal for the next person
  std::string missed = "skip";   ///< skip | run_once: runs missed while the daemon was down
  bool enabled = true;
};

struct scheduler_config {
  std::vector<schedule_spec> schedules;
  caf::actor store;
  engine_actor engine;
  paper_trader_actor paper;
  agent_config agent;  ///< for the headless agent that answers scheduled trials' questions
  /// Where fire decisions are logged (default: standard output).
  std::function<void(const std::string&)> log;
  /// UTC milliseconds since the epoch; tests may inject a clock.
  std::function<std::int64_t()> now_ms;
};

/// "" if `s` can run, else what is wrong (cron, timezone, kind, missed, symbol).
std::string check_schedule(const schedule_spec& s);

/// Fire times of `e` in (`last_fire`, `now`] (UTC seconds), counted up to
/// `cap`; the latest counted is in `latest`. Used for runs missed while down.
int missed_fires(const config::cron_expr& e, int offset_minutes, std::int64_t last_fire, std::int64_t now,
                 int cap, std::int64_t& latest);

/// Spawns the scheduler. It reads each schedule's last fire from the store,
/// applies the missed-run policy, then fires on time. It answers
/// msg::schedules_query with msg::schedule_list.
scheduler_actor spawn_scheduler(caf::actor_system& sys, scheduler_config cfg);

}  // namespace mlt::actors
