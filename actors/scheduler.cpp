#include "actors/scheduler.hpp"
#include "actors/start_trial.hpp"
#include "actors/tell.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <caf/all.hpp>

#include "actors/brain/plan_rules.hpp"
#include "actors/harden.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"
#include "messages/utc_time.hpp"
#include "messages/vocabulary.hpp"

namespace mlt::actors {

namespace {

using namespace std::chrono_literals;

// Long enough that clock adjustments are noticed within the hour.
constexpr std::int64_t max_sleep_ms = 3600 * 1000;
// Counting missed runs stops here; the log then says "at least".
constexpr int missed_cap = 10000;

struct entry {
  schedule_spec spec;
  config::cron_expr cron;
  int offset = 0;
  std::string problem;
  std::int64_t next = 0;  ///< 0 = none
  std::int64_t last = 0;
  msg::trial_id last_trial;
  std::string last_result;
};

struct scheduler_state {
  scheduler_config cfg;
  std::vector<entry> entries;
  agent_actor agent;  ///< headless, spawned with the first scheduled trial
  std::int64_t timer = 0;
  static inline const char* name = "scheduler";
};

using scheduler_self = caf::stateful_actor<scheduler_state, scheduler_actor::base>;

std::int64_t now_s(scheduler_self* self) {
  const auto ms = self->state.cfg.now_ms();
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

std::string iso(std::int64_t utc) { return msg::utc_iso(utc); }

void say(scheduler_self* self, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(text);
  else
    caf::aout(self) << "mltrainerd: " << text << std::endl;
}

void outcome(scheduler_self* self, std::size_t i, msg::trial_id trial_id, const std::string& text) {
  auto& e = self->state.entries[i];
  if (trial_id.known()) e.last_trial = trial_id;
  e.last_result = text;
  say(self, "schedule '" + e.spec.name + "': " + text);
  tell(self, self->state.cfg.store, msg::record_schedule_outcome{e.spec.name, trial_id, text});
}

agent_actor headless_agent(scheduler_self* self) {
  auto& st = self->state;
  if (!st.agent) {
    // No observer: nobody watches a scheduled trial live; its transcript and
    // report are in the store for whoever connects later.
    st.agent = spawn_agent(self->system(), st.cfg.agent, nullptr);
    self->attach_functor([agent = st.agent](const caf::error&) {
      caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
    });
  }
  return st.agent;
}

// A schedule's symbols: the headless agent records and starts one trial per
// symbol and, when all have ended, keeps their combined report.
void start_universe(scheduler_self* self, std::size_t i, std::int64_t fire) {
  const auto& e = self->state.entries[i];
  msg::run_universe run{e.spec.plan, e.spec.symbols, e.spec.universe, "schedule:" + e.spec.name};
  self->request(headless_agent(self), 60s, std::move(run))
      .then(
          [=](msg::agent_turn& t) {
            outcome(self, i, t.trial_id,
                    (t.kind == msg::agent_turn::error ? "could not start the run of " + iso(fire) + ": "
                                                      : "run of " + iso(fire) + ": ") +
                        t.text);
          },
          [=](caf::error& err) {
            outcome(self, i, {}, "could not start the run of " + iso(fire) + ": " + msg::error_sentence(err));
          });
}

void start_trial(scheduler_self* self, std::size_t i, std::int64_t fire) {
  const auto& e = self->state.entries[i];
  if (!e.spec.symbols.empty()) {
    start_universe(self, i, fire);
    return;
  }
  const auto name = e.spec.name;
  const auto plan = e.spec.plan;
  self->request(self->state.cfg.store, 30s, msg::create_trial{{}, plan, "schedule:" + name})
      .then(
          [=](msg::trial_id id) {
            outcome(self, i, id, "trial " + msg::to_string(id) + " (" + plan.symbol + " with " + plan.model +
                                     ") started for the run of " + iso(fire));
            msg::start_trial start{id, plan, caf::actor_cast<caf::actor>(headless_agent(self)), caf::actor{}};
            hand_to_engine(
                self, self->state.cfg.engine, self->state.cfg.store, start,
                [=](std::int32_t position) {
                  if (position > 0)
                    say(self, "schedule '" + name + "': trial " + msg::to_string(id) + " is queued at position " +
                                  std::to_string(position));
                },
                [=](const caf::error& err) {
                  outcome(self, i, id, "trial " + msg::to_string(id) + " could not start: " + msg::error_sentence(err));
                });
          },
          [=](caf::error& err) {
            outcome(self, i, {}, "could not record the trial for the run of " + iso(fire) + ": " +
                                    msg::error_sentence(err));
          });
}

void propose(scheduler_self* self, std::size_t i, std::int64_t fire) {
  const auto& e = self->state.entries[i];
  const std::string text = "Scheduled run '" + e.spec.name + "' (" + e.spec.cron + ", " + e.spec.timezone +
                           ") of " + iso(fire) + " waits for your approval:\n" + brain::describe_plan(e.spec.plan) +
                           "\nApprove with \"yes\", or tell me what to change.";
  self->request(self->state.cfg.store, 30s, msg::save_pending_proposal{e.spec.plan, text, "schedule:" + e.spec.name})
      .then(
          [=](msg::proposal_id id) {
            outcome(self, i, {}, "proposal " + msg::to_string(id) + " for the run of " + iso(fire) +
                                    " waits for the next person to approve it");
          },
          [=](caf::error& err) {
            outcome(self, i, {}, "could not record the proposal for the run of " + iso(fire) + ": " +
                                    msg::error_sentence(err));
          });
}

void update_paper(scheduler_self* self, std::size_t i, std::int64_t fire) {
  const auto symbol = self->state.entries[i].spec.plan.symbol;
  msg::portfolio_request req{symbol, {}, caf::actor{}, 0};
  self->request(self->state.cfg.paper, 30min, req)
      .then([=](std::string& text) {
              outcome(self, i, {}, "paper " + symbol + " updated (" + iso(fire) + "): " + text);
            },
            [=](caf::error& err) {
              outcome(self, i, {}, "paper " + symbol + " update of " + iso(fire) + " failed: " +
                                      msg::error_sentence(err));
            });
}

// Records the fire first: if the daemon dies after this, the run is lost
// rather than repeated (a repeat could trade or train twice).
void fire(scheduler_self* self, std::size_t i, std::int64_t fire_time, const std::string& why) {
  const auto name = self->state.entries[i].spec.name;
  self->request(self->state.cfg.store, 30s, msg::record_fire{name, fire_time})
      .then(
          [=](bool recorded) {
            auto& e = self->state.entries[i];
            if (!recorded) {
              say(self, "schedule '" + name + "' already fired for " + iso(fire_time) + "; not running it again");
              return;
            }
            e.last = std::max(e.last, fire_time);
            say(self, "schedule '" + name + "' fires (" + e.spec.kind + ") for " + iso(fire_time) + why);
            if (e.spec.kind == "paper_update")
              update_paper(self, i, fire_time);
            else if (e.spec.approved)
              start_trial(self, i, fire_time);
            else
              propose(self, i, fire_time);
          },
          [=](caf::error& err) {
            say(self, "schedule '" + name + "': could not record the fire for " + iso(fire_time) + " (" +
                          msg::error_sentence(err) + "); not running it");
          });
}

std::int64_t next_after(const entry& e, std::int64_t t) {
  auto n = config::next_fire(e.cron, t, e.offset);
  return n ? *n : 0;
}

void arm(scheduler_self* self) {
  auto& st = self->state;
  std::int64_t soonest = 0;
  for (const auto& e : st.entries)
    if (e.next > 0 && (soonest == 0 || e.next < soonest)) soonest = e.next;
  if (soonest == 0) return;
  auto wait = soonest * 1000 - st.cfg.now_ms();
  wait = std::clamp<std::int64_t>(wait, 0, max_sleep_ms);
  // A few ms late rather than early: an early wake would find nothing due.
  self->delayed_send(self, std::chrono::milliseconds(wait + 5), schedule_tick_atom::value, ++st.timer);
}

void on_tick(scheduler_self* self) {
  auto& st = self->state;
  const auto now = now_s(self);
  for (std::size_t i = 0; i < st.entries.size(); ++i) {
    auto& e = st.entries[i];
    if (e.next == 0 || e.next > now) continue;
    const auto t = e.next;
    // After a late wake (suspend, clock step) the next run is the next one
    // from now, not a burst of the ones that passed.
    e.next = next_after(e, std::max(t, now));
    fire(self, i, t, "");
  }
  arm(self);
}

// Start-up: last fires from the store, the missed-run policy, the first timer.
void start(scheduler_self* self, const msg::schedule_state_list& saved) {
  auto& st = self->state;
  const auto now = now_s(self);
  for (std::size_t i = 0; i < st.entries.size(); ++i) {
    auto& e = st.entries[i];
    for (const auto& s : saved.states)
      if (s.name == e.spec.name) {
        e.last = s.last_fire_utc;
        e.last_trial = s.last_trial_id;
        e.last_result = s.last_result;
      }
    if (!e.problem.empty()) {
      say(self, "schedule '" + e.spec.name + "' is not running: " + e.problem);
      continue;
    }
    if (!e.spec.enabled) continue;
    std::int64_t from = std::max(e.last, now);
    if (e.last > 0) {
      std::int64_t latest = 0;
      const int n = missed_fires(e.cron, e.offset, e.last, now, missed_cap, latest);
      const std::string count = (n >= missed_cap ? "at least " : "") + std::to_string(n) + " run(s)";
      if (n > 0 && e.spec.missed == "run_once") {
        fire(self, i, n < missed_cap ? latest : now,
             " (" + count + " missed since " + iso(e.last) + " while the daemon was down; policy run_once runs one)");
      } else if (n > 0) {
        outcome(self, i, {}, "skipped " + count + " missed since " + iso(e.last) +
                                " while the daemon was down (policy skip)");
      }
    }
    e.next = next_after(e, from);
    say(self, "schedule '" + e.spec.name + "' (" + e.spec.cron + ", " + e.spec.timezone + ", " + e.spec.kind +
                  (e.spec.kind == "trial" ? (e.spec.approved ? ", approved" : ", needs approval") : "") +
                  ") next fires " + (e.next ? iso(e.next) : std::string("never (no matching time within 5 years)")));
  }
  arm(self);
}

void load(scheduler_self* self) {
  self->request(self->state.cfg.store, 30s, msg::schedule_states_query{1000})
      .then([=](msg::schedule_state_list& saved) { start(self, saved); },
            [=](caf::error& err) {
              // Without the last fires a restart could repeat a run: wait.
              say(self, "scheduler: cannot read schedule state (" + msg::error_sentence(err) +
                            "); retrying in 5 s");
              self->delayed_send(self, 5s, schedule_load_atom::value);
            });
}

scheduler_actor::behavior_type scheduler_behavior(scheduler_self* self, scheduler_config cfg) {
  harden(self);
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (!st.cfg.now_ms)
    st.cfg.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  for (const auto& spec : st.cfg.schedules) {
    entry e;
    e.spec = spec;
    e.problem = check_schedule(spec);
    if (e.problem.empty()) {
      std::string err;
      e.cron = *config::parse_cron(spec.cron, err);
      config::parse_utc_offset(spec.timezone, e.offset);
    }
    st.entries.push_back(std::move(e));
  }
  if (!st.entries.empty()) load(self);
  return {
      [=](schedule_tick_atom, std::int64_t gen) {
        if (gen == self->state.timer) on_tick(self);
      },
      [=](schedule_load_atom) { load(self); },
      [=](msg::schedules_query& q) {
        msg::schedule_list out;
        for (const auto& e : self->state.entries) {
          if (static_cast<std::int32_t>(out.schedules.size()) >= q.limit) break;
          msg::schedule_status s;
          s.name = e.spec.name;
          s.kind = e.spec.kind;
          s.cron = e.spec.cron;
          s.timezone = e.spec.timezone;
          s.enabled = e.spec.enabled;
          s.approved = e.spec.approved;
          s.problem = e.problem;
          s.next_fire_utc = e.next;
          s.last_fire_utc = e.last;
          s.last_trial_id = e.last_trial;
          s.last_result = e.last_result;
          out.schedules.push_back(std::move(s));
        }
        return out;
      },
  };
}

}  // namespace

std::string check_schedule(const schedule_spec& s) {
  if (s.name.empty()) return "the schedule has no name";
  std::string err;
  if (!config::parse_cron(s.cron, err)) return "bad cron expression '" + s.cron + "': " + err;
  int offset = 0;
  if (!config::parse_utc_offset(s.timezone, offset))
    return "bad timezone '" + s.timezone + "' (use UTC or a fixed offset such as +05:30)";
  if (!msg::is_one_of(msg::schedule_kinds, s.kind))
    return "kind '" + s.kind + "' is not " + msg::alternatives(msg::schedule_kinds);
  if (!msg::is_one_of(msg::schedule_missed_rules, s.missed))
    return "missed '" + s.missed + "' is not " + msg::alternatives(msg::schedule_missed_rules);
  if (s.plan.symbol.empty()) return "the request names no symbol";
  return "";
}

int missed_fires(const config::cron_expr& e, int offset_minutes, std::int64_t last_fire, std::int64_t now, int cap,
                 std::int64_t& latest) {
  int n = 0;
  std::int64_t t = last_fire;
  while (n < cap) {
    auto next = config::next_fire(e, t, offset_minutes);
    if (!next || *next > now) break;
    t = *next;
    latest = t;
    ++n;
  }
  return n;
}

scheduler_actor spawn_scheduler(caf::actor_system& sys, scheduler_config cfg) {
  return sys.spawn(scheduler_behavior, std::move(cfg));
}

}  // namespace mlt::actors
