// The engine's behaviour and queue: trials wait for a free trainer, a run's
// bookkeeping (find, fail, finish), cancel. The trial cycle itself is in
// trial_cycle.cpp and trial_results.cpp.

#include <algorithm>

#include "actors/engine/steps.hpp"
#include "actors/harden.hpp"
#include "actors/metrics.hpp"

namespace mlt::actors::engine {

trial_run* live(engine_self* self, msg::trial_id id) {
  auto it = self->state.runs.find(id);
  if (it == self->state.runs.end() || it->second.cancelled) return nullptr;
  return &it->second;
}

trial_run* find(engine_self* self, msg::trial_id id) {
  auto* run = live(self, id);
  if (run && !run->store_failure.empty()) {
    const auto why = run->store_failure;
    fail(self, id, "store_failed", why);
    return nullptr;
  }
  return run;
}

void finish(engine_self* self, msg::trial_id id) {
  auto it = self->state.runs.find(id);
  if (it == self->state.runs.end()) return;
  if (it->second.trainer) self->state.idle_trainers.push_back(it->second.trainer);
  self->state.runs.erase(it);
  start_next(self);
}

void fail(engine_self* self, msg::trial_id id, const std::string& code, const std::string& message) {
  auto* run = live(self, id);
  if (!run) return;
  metrics::count_error(code);
  emit(self, *run, event_speaker::system, event_kind::error, "Trial " + msg::to_string(id) + " failed: " + message);
  tell(self, self->state.cfg.store, msg::set_trial_status{id, msg::trial_status::failed, message});
  msg::trial_failed tf{id, msg::trial_status::failed, code, message};
  tell_observer(self, *run, tf);
  tell(self, run->agent, tf);
  finish(self, id);
}

void save_checkpoint(engine_self* self, const trial_run& run) {
  if (run.replay.active()) return;
  tell(self, self->state.cfg.store, msg::save_checkpoint{checkpoint::snapshot(run)});
}

void record_configuration(engine_self* self, const trial_run& run, std::int64_t key, const std::string& model,
                          const std::map<std::string, double>& params, const char* source,
                          const msg::evaluation* measured) {
  msg::fitted_configuration c;
  c.trial_id = run.id;
  c.key = key;
  c.symbol = run.plan.symbol;
  c.target = run.fit.target;
  c.model = model;
  c.params = params;
  c.source = source;
  if (measured) {
    c.has_sharpe = true;
    c.sharpe = measured->val_sharpe;
    c.sharpe_rows = measured->val_sharpe_rows;
  }
  tell(self, self->state.cfg.store, msg::record_configuration{c});
}

void start_next(engine_self* self) {
  auto& st = self->state;
  while (!st.idle_trainers.empty() && !st.queue.empty()) {
    auto id = st.queue.front();
    st.queue.pop_front();
    auto it = st.runs.find(id);
    if (it == st.runs.end()) continue;
    it->second.trainer = st.idle_trainers.back();
    st.idle_trainers.pop_back();
    begin(self, id);
  }
}

namespace {

caf::error busy(const engine_state& st, msg::trial_id trial_id) {
  // Full: say where it would have stood, and that nothing was queued.
  metrics::count_error("busy");
  return caf::make_error(msg::errc::busy,
                         "busy, position " + std::to_string(st.queue.size() + 1) + ": " +
                             std::to_string(st.queue.size()) + " trials are already waiting (the limit is " +
                             std::to_string(st.cfg.max_queue) + "); trial " + msg::to_string(trial_id) +
                             " was not queued, try again when one finishes");
}

// A new trial, or a reopened one whose transcript continues after `last_seq`
// and which re-applies the answers of its checkpoint.
caf::result<std::int32_t> enqueue(engine_self* self, const msg::start_trial& m, std::int64_t last_seq,
                                  const msg::trial_checkpoint& resume_from = {}) {
  auto& st = self->state;
  if (st.runs.count(m.trial_id))
    return caf::make_error(msg::errc::duplicate_trial,
                           "trial " + msg::to_string(m.trial_id) + " is already queued or running");
  if (static_cast<int>(st.queue.size()) >= st.cfg.max_queue) return busy(st, m.trial_id);
  trial_run run;
  run.id = m.trial_id;
  run.plan = m.plan;
  run.agent = m.agent;
  run.observer = m.observer;
  run.model = m.plan.model;
  run.params = m.plan.params;
  run.seq = last_seq;
  run.replay.from = resume_from;
  st.runs.emplace(m.trial_id, std::move(run));
  st.queue.push_back(m.trial_id);
  if (!resume_from.answers.empty())
    emit(self, st.runs[m.trial_id], event_speaker::system, event_kind::status,
         checkpoint::resume_text(resume_from, m.plan.decision_budget));
  const auto position = static_cast<std::int32_t>(st.queue.size());
  if (st.idle_trainers.empty()) {
    auto& r = st.runs[m.trial_id];
    emit(self, r, event_speaker::system, event_kind::status,
         "Trial " + msg::to_string(m.trial_id) + " waits: busy, position " + std::to_string(position) +
             " in the queue (all " + std::to_string(st.cfg.max_concurrent) + " trainers busy).");
  }
  start_next(self);
  return st.idle_trainers.empty() && st.runs.count(m.trial_id) && !st.runs[m.trial_id].trainer ? position : 0;
}

bool cancel(engine_self* self, const msg::cancel_trial& m) {
  auto& st = self->state;
  auto it = st.runs.find(m.trial_id);
  if (it == st.runs.end() || it->second.cancelled) return false;
  auto& run = it->second;
  emit(self, run, event_speaker::system, event_kind::status,
       "Trial " + msg::to_string(m.trial_id) + " cancelled" + (m.reason.empty() ? "." : ": " + m.reason + "."));
  run.cancelled = true;
  tell(self, st.cfg.store, msg::set_trial_status{m.trial_id, msg::trial_status::cancelled, m.reason});
  msg::trial_failed tf{m.trial_id, msg::trial_status::cancelled, "cancelled", m.reason};
  tell_observer(self, run, tf);
  tell(self, run.agent, tf);
  st.queue.erase(std::remove(st.queue.begin(), st.queue.end(), m.trial_id), st.queue.end());
  // The trainer's in-flight reply finds no live run and is dropped; the
  // trainer serves the next trial after it, in order.
  finish(self, m.trial_id);
  return true;
}

engine_actor::behavior_type engine_behavior(engine_self* self, engine_config cfg) {
  harden(self);
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.fallback = brain::make_rules_brain();
  for (int i = 0; i < std::max(1, st.cfg.max_concurrent); ++i) st.idle_trainers.push_back(st.cfg.make_trainer(self->system()));
  return {
      [=](msg::start_trial& m) { return enqueue(self, m, 0); },
      [=](msg::resume_trial& m) {
        return enqueue(self, msg::start_trial{m.trial_id, m.plan, m.agent, m.observer}, m.last_seq, m.checkpoint);
      },
      [=](msg::optimize_step& m) {
        auto* run = live(self, m.trial_id);  // mid-request: not a step
        if (!run || !run->store_failure.empty()) return;
        msg::event_data w;
        w.add("phase", "optimize").add("step", m.index).add("total", m.budget)
            .add("fraction", m.budget > 0 ? double(m.index) / m.budget : 1.0).add("score", m.score)
            .add("best_score", m.best_score);
        emit(self, *run, event_speaker::engine, event_kind::progress, optimize_step_line(m), std::move(w));
        record_configuration(self, *run, ++run->configs_recorded, run->model, m.params, "optimizer");
      },
      [=](msg::data_progress_msg& m) {
        auto* run = live(self, m.trial_id);  // mid-request: not a step
        if (!run || !run->store_failure.empty()) return;
        msg::event_data w;
        w.add("phase", "data").add("fraction", m.fraction);
        emit(self, *run, event_speaker::engine, event_kind::progress, m.text, std::move(w));
      },
      // A trial's trainer moved to another node of the cluster: say so.
      [=](msg::trainer_moved& m) {
        if (auto* run = live(self, m.trial_id)) emit(self, *run, event_speaker::system, event_kind::status, m.text);
      },
      // From the store: a transcript line of the trial could not be written.
      [=](msg::trial_failed& m) {
        if (auto* run = live(self, m.trial_id); run && run->store_failure.empty()) run->store_failure = m.message;
      },
      [=](msg::cancel_trial& m) -> caf::result<bool> { return cancel(self, m); },
  };
}

}  // namespace
}  // namespace mlt::actors::engine

namespace mlt::actors {

engine_actor spawn_engine(caf::actor_system& sys, engine_config cfg) {
  return sys.spawn(engine::engine_behavior, std::move(cfg));
}

}  // namespace mlt::actors
