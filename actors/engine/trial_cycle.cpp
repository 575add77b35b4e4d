// The first half of a trial's cycle: data, features and the volatility
// question; then a fit in bounded steps with its checkpoint questions.

#include <algorithm>

#include "actors/brain/thresholds.hpp"
#include "actors/engine/steps.hpp"

namespace mlt::actors::engine {

namespace {

void advance(engine_self* self, msg::trial_id id);

void apply_volatility_answer(engine_self* self, msg::trial_id id, msg::decision d) {
  auto* run = find(self, id);
  if (!run) return;
  announce(self, *run, d);
  if (d.action == msg::action::set_train_ratio) {
    double r = d.params["train_ratio"];
    // Keep room for validation: train + val stays below 1.
    run->plan.train_ratio = r;
    run->plan.val_ratio = std::min(run->plan.val_ratio, (1.0 - r) / 2.0);
  }
  fit(self, id);
}

void ask_volatility(engine_self* self, msg::trial_id id, const msg::prepared& prep) {
  auto* run = find(self, id);
  if (!run) return;
  run->prep = prep;
  run->regime = brain::thresholds::classify_regime(prep.vol_annual, prep.vol_recent);
  msg::volatility_report q{id, run->plan.symbol, prep.vol_annual, prep.vol_recent, run->regime,
                           static_cast<std::int64_t>(run->series->bars.size()), run->plan,
                           prep.vol_first_date, prep.vol_last_date, prep.recent_first_date};
  msg::event_data w;
  w.add("question", "volatility").add("vol_annual", prep.vol_annual)
      .add("vol_recent", prep.vol_recent).add("regime", run->regime)
      .add("train_ratio", run->plan.train_ratio).add("window_first", prep.vol_first_date)
      .add("window_last", prep.vol_last_date).add("recent_first", prep.recent_first_date);
  emit(self, *run, event_speaker::engine, event_kind::question,
       volatility_question(prep, run->regime, run->plan.train_ratio), std::move(w));
  ask(
      self, id, q,
      msg::decision_context{msg::question::volatility, run->plan.model, msg::is_pinned(run->plan, "train_ratio")},
      [](brain::brain& b, const msg::volatility_report& q) { return b.on_volatility(q); },
      [=](msg::decision d) { apply_volatility_answer(self, id, std::move(d)); });
}

void prepare(engine_self* self, msg::trial_id id, ml::bar_series& series) {
  auto* run = find(self, id);
  if (!run) return;
  emit(self, *run, event_speaker::engine, event_kind::progress, loaded_line(series),
       msg::event_data{}.add("phase", "data").add("fraction", 1));
  for (const auto& w : series.warnings) {
    emit(self, *run, event_speaker::engine, event_kind::warning, "Data warning: " + w);
    run->warnings.push_back(w);
  }
  run->series = msg::shared_bars{std::move(series)};
  self->request(run->trainer, work_timeout, msg::prepare_request{id, run->series, run->plan.horizon})
      .then([=](msg::prepared& prep) { ask_volatility(self, id, prep); },
            [=](caf::error& e) { fail(self, id, "features_failed", msg::error_sentence(e)); });
}

// Checkpoints at the 2nd, 4th, 8th, 16th, ... measured step of a fit: early
// enough to catch a fit that early-stops, rare enough not to flood a long one.
// Counting measured steps, not step numbers, gives every model checkpoints
// (XGBoost measures every 10 rounds). Only finished, measured work counts
// (see ml::fit_step).
bool is_checkpoint(const msg::fit_progress& p, std::size_t measured_so_far) {
  return p.measured && !p.done && measured_so_far >= 2 && (measured_so_far & (measured_so_far - 1)) == 0;
}

// Every fit ends here, stopped by the agent or finished on its own: the model
// keeps its best measured state and the transcript says which.
void end_fit(engine_self* self, msg::trial_id id, const std::string& how) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::fit_stop_request{id})
      .then(
          [=](msg::fit_kept& k) {
            auto* run = find(self, id);
            if (!run) return;
            msg::event_data w;
            w.add("phase", "train").add("model", run->model).add("kept_step", k.step)
                .add("unit", k.unit).add("kept_val_loss", k.val_loss);
            emit(self, *run, event_speaker::engine, event_kind::status, kept_line(run->model, how, k), std::move(w));
            evaluate_initial(self, id);
          },
          [=](caf::error& e) { fail(self, id, "train_failed", msg::error_sentence(e)); });
}

// "stop" at an ensemble member's checkpoint ends that member (it keeps its
// best state); the fit goes on with the next member.
void end_part(engine_self* self, msg::trial_id id, const std::string& part_what) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::fit_stop_request{id, true})
      .then(
          [=](msg::fit_kept& k) {
            auto* run = find(self, id);
            if (!run) return;
            emit(self, *run, event_speaker::engine, event_kind::status, part_stopped_line(run->model, part_what, k));
            advance(self, id);
          },
          [=](caf::error& e) { fail(self, id, "train_failed", msg::error_sentence(e)); });
}

void apply_progress_answer(engine_self* self, msg::trial_id id, const msg::fit_progress& p, const std::string& unit,
                           msg::decision d) {
  auto* run = find(self, id);
  if (!run) return;
  announce(self, *run, d);
  if (d.action == msg::action::modify) {
    ++run->modifications;
    for (const auto& [k, v] : d.params) run->params[k] = v;
    fit(self, id);
  } else if (d.action == msg::action::stop && !p.part.empty()) {
    end_part(self, id, p.part_what);
  } else if (d.action == msg::action::stop) {
    end_fit(self, id, "stopped at " + unit + " " + std::to_string(p.step) + " on the agent's decision");
  } else {
    advance(self, id);
  }
}

void ask_progress(engine_self* self, trial_run& run, const msg::fit_progress& p, const std::string& unit) {
  const auto id = run.id;
  msg::progress_report q{id, run.model, p.step, p.total, p.train_loss, p.val_loss, p.val_accuracy,
                         run.val_loss_history, run.modifications};
  run.val_loss_history.push_back(p.val_loss);
  msg::event_data qj;
  qj.add("question", "progress").add("step", p.step).add("total", p.total)
      .add("unit", unit).add("train_loss", p.train_loss).add("val_loss", p.val_loss)
      .add("val_accuracy", p.val_accuracy);
  if (!p.part.empty()) qj.add("part", p.part);
  emit(self, run, event_speaker::engine, event_kind::question, checkpoint_question(p, unit), std::move(qj));
  ask(
      self, id, q, msg::decision_context{msg::question::progress, q.model},
      [](brain::brain& b, const msg::progress_report& q) { return b.on_progress(q); },
      [=](msg::decision d) { apply_progress_answer(self, id, p, unit, std::move(d)); });
}

void on_step(engine_self* self, msg::trial_id id, const msg::fit_progress& p) {
  auto* run = find(self, id);
  if (!run) return;
  // A measured step must be new work: a step number that does not grow
  // would repeat a question or a loss the history already has.
  const bool fresh = p.measured && p.step > run->last_measured_step;
  const std::string unit = p.unit.empty() ? "step" : p.unit;
  // An ensemble's measured step is one of its members' units.
  const std::string who = run->model + (p.part_what.empty() ? "" : " (" + p.part_what + ")");
  msg::event_data w;
  w.add("phase", "train").add("model", run->model).add("step", p.step)
      .add("total", p.total).add("unit", unit).add("measured", fresh).add("fraction", p.fraction);
  if (fresh) w.add("train_loss", p.train_loss).add("val_loss", p.val_loss).add("val_accuracy", p.val_accuracy);
  if (fresh && !p.part.empty()) w.add("part", p.part);
  emit(self, *run, event_speaker::engine, event_kind::progress, step_line(run->model, who, p, unit, fresh),
       std::move(w));
  if (p.done) {
    end_fit(self, id, "finished after " + unit + " " + std::to_string(p.step));
    return;
  }
  if (!fresh) {
    advance(self, id);
    return;
  }
  run->last_measured_step = p.step;
  // Another member's losses are not comparable with the last ones: its
  // checkpoints and its stall history start afresh.
  if (p.part != run->fit_part) {
    run->val_loss_history.clear();
    run->fit_part = p.part;
  }
  // The last decision of the budget is kept for the results question
  // (continue / retrain / switch_model / optimize), the one that matters
  // most; progress checkpoints never spend it.
  if (!is_checkpoint(p, run->val_loss_history.size() + 1) || budget_left(*run) <= 1) {
    run->val_loss_history.push_back(p.val_loss);
    advance(self, id);
    return;
  }
  ask_progress(self, *run, p, unit);
}

void advance(engine_self* self, msg::trial_id id) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::fit_step_request{id})
      .then([=](msg::fit_progress& p) { on_step(self, id, p); },
            [=](caf::error& e) { fail(self, id, "train_failed", msg::error_sentence(e)); });
}

void fit_started(engine_self* self, msg::trial_id id, const msg::fit_started& st) {
  auto* run = find(self, id);
  if (!run) return;
  ++run->configurations;
  run->models_tried.push_back(st.model);
  run->params = st.params;
  run->fit = st;
  save_checkpoint(self, *run);
  emit(self, *run, event_speaker::engine, event_kind::status, fitting_line(st));
  run->config_key = ++run->configs_recorded;
  record_configuration(self, *run, run->config_key, st.model, st.params, "fit");
  emit(self, *run, event_speaker::engine, st.leakage_passed ? event_kind::status : event_kind::warning,
       st.leakage_audit);
  if (!st.leakage_passed) {
    fail(self, id, "leakage", st.leakage_audit);
    return;
  }
  advance(self, id);
}

}  // namespace

// ---- step 1: data, features, volatility question.
void begin(engine_self* self, msg::trial_id id) {
  auto* run = find(self, id);
  if (!run) return;
  tell(self, self->state.cfg.store, msg::set_trial_status{id, msg::trial_status::running, ""});
  const auto& p = run->plan;
  emit(self, *run, event_speaker::system, event_kind::status, started_line(id, p));
  emit(self, *run, event_speaker::engine, event_kind::progress, loading_line(p),
       msg::event_data{}.add("phase", "data").add("fraction", 0));
  msg::load_bars_request req{id, p.symbol, p.data_source, p.start, p.end, p.seed};
  self->request(self->state.cfg.loader, load_timeout, req)
      .then([=](ml::bar_series& series) { prepare(self, id, series); },
            [=](caf::error& e) { fail(self, id, "data_failed", msg::error_sentence(e)); });
}

// ---- step 2: fit in steps with checkpoints.
void fit(engine_self* self, msg::trial_id id) {
  auto* run = find(self, id);
  if (!run) return;
  run->val_loss_history.clear();
  run->last_measured_step = 0;
  run->fit_part.clear();
  msg::fit_request req{id, run->model, run->params, run->plan.train_ratio, run->plan.val_ratio, run->plan.horizon,
                       run->plan.seed};
  self->request(run->trainer, work_timeout, req)
      .then([=](msg::fit_started& st) { fit_started(self, id, st); },
            [=](caf::error& e) {
              auto* run = find(self, id);
              if (!run) return;
              const std::string why = msg::error_sentence(e);
              if (run->configurations == 0) {
                fail(self, id, "fit_failed", why);
                return;
              }
              emit(self, *run, event_speaker::engine, event_kind::warning,
                   "Could not start " + run->model + " with the new settings (" + why +
                       "); keeping the previous fitted model.");
              run->model = run->models_tried.back();
              finalize(self, id);
            });
}

}  // namespace mlt::actors::engine
