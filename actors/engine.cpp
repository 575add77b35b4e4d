#include <chrono>
#include <cmath>
#include <cstdio>

#include <caf/all.hpp>

#include "actors/tell.hpp"
#include "actors/text_format.hpp"
#include "actors/brain/thresholds.hpp"
#include "actors/engine_state.hpp"
#include "actors/engine_walk_forward.hpp"
#include "actors/harden.hpp"
#include "actors/metrics.hpp"
#include "messages/errors.hpp"
#include "messages/negotiation_checks.hpp"
#include "messages/store_msgs.hpp"
#include "messages/type_ids.hpp"
#include "ml/models/model.hpp"

namespace mlt::actors {

namespace {

using text::fmt;
using text::pct;
using text::spct;

using namespace std::chrono_literals;

// Long work (loading, evaluation, paper trading) gets generous time; a step
// is bounded by the model, so a minute means the trainer is stuck.
constexpr auto load_timeout = 10min;
constexpr auto work_timeout = 5min;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string params_text(const std::map<std::string, double>& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    if (!out.empty()) out += ", ";
    out += k + "=" + fmt("%g", v);
  }
  return out.empty() ? "defaults" : out;
}

msg::event_data decision_data(const msg::decision& d) {
  msg::event_data w;
  w.add("action", msg::to_string(d.action)).add("reason", d.reason).add("brain", d.brain);
  if (!d.model.empty()) w.add("model", d.model);
  if (!d.note.empty()) w.add("note", d.note);
  w.add("params", d.params);
  return w;
}

// The run, without failing it (see `find`).
trial_run* live(engine_self* self, std::int64_t id) {
  auto it = self->state.runs.find(id);
  if (it == self->state.runs.end() || it->second.cancelled) return nullptr;
  return &it->second;
}

void fail(engine_self* self, std::int64_t id, const std::string& code, const std::string& message);

// Every step of a run starts here. A run whose transcript the store could not
// write is failed at its next step, when none of its requests is in flight:
// a late reply cannot reach the run a "resume trial N" starts under the same
// id, and its trainer is free for the next trial.
trial_run* find(engine_self* self, std::int64_t id) {
  auto* run = live(self, id);
  if (run && !run->store_failure.empty()) {
    const auto why = run->store_failure;
    fail(self, id, "store_failed", why);
    return nullptr;
  }
  return run;
}

void emit(engine_self* self, trial_run& run, std::string speaker, std::string kind, std::string text,
          msg::event_data data = {}) {
  msg::trial_event e;
  e.trial_id = run.id;
  e.seq = ++run.seq;
  e.time_ms = now_ms();
  e.speaker = std::move(speaker);
  e.kind = std::move(kind);
  e.text = std::move(text);
  e.data = std::move(data);
  // The store shows the line to the observer once it is committed: what a
  // person saw survives kill -9.
  tell(self, self->state.cfg.store, msg::record_event{e, run.observer});
}

// To the observer behind the transcript lines already sent to the store.
template <class T>
void tell_observer(engine_self* self, const trial_run& run, T content) {
  if (run.observer)
    tell(self, self->state.cfg.store, msg::relay_after_commit{run.observer, caf::make_message(std::move(content))});
}

void start_next(engine_self* self);
void fit(engine_self* self, std::int64_t id);
void evaluate_initial(engine_self* self, std::int64_t id);
void finalize(engine_self* self, std::int64_t id);

void finish(engine_self* self, std::int64_t id) {
  auto it = self->state.runs.find(id);
  if (it == self->state.runs.end()) return;
  if (it->second.trainer) self->state.idle_trainers.push_back(it->second.trainer);
  self->state.runs.erase(it);
  start_next(self);
}

void fail(engine_self* self, std::int64_t id, const std::string& code, const std::string& message) {
  auto* run = live(self, id);
  if (!run) return;
  metrics::count_error(code);
  emit(self, *run, "system", "error", "Trial " + std::to_string(id) + " failed: " + message);
  tell(self, self->state.cfg.store, msg::set_trial_status{id, "failed", message});
  msg::trial_failed tf{id, "failed", code, message};
  tell_observer(self, *run, tf);
  tell(self, run->agent, tf);
  finish(self, id);
}

// While a resumed run still re-applies its record, the stored checkpoint is
// ahead of it and stays as it is.
void save_checkpoint(engine_self* self, const trial_run& run) {
  if (run.replay.active()) return;
  tell(self, self->state.cfg.store, msg::save_checkpoint{checkpoint::snapshot(run)});
}

// Asks the agent; a late, failed or invalid answer is replaced by the rules
// brain's, and the note says so. A resumed run re-applies its recorded
// answer instead. Every answer is recorded in the checkpoint once applied.
template <class Question, class Fallback, class Then>
void ask(engine_self* self, std::int64_t id, Question q, msg::decision_context ctx, Fallback fallback, Then apply) {
  auto* run = find(self, id);
  if (!run) return;
  ++run->decisions;
  const auto key = checkpoint::key_of(q);
  auto then = [=](msg::decision d, bool replayed = false) {
    auto* r = find(self, id);
    if (!r) return;
    checkpoint::record_answer(*r, key, d);
    // Stored before the decision line is shown, so a shown decision is never
    // asked again; stored again once applied, with the plan as it now is.
    save_checkpoint(self, *r);
    if (replayed) d.note = checkpoint::replay_note(d.note);
    apply(d);
    if (auto* r = find(self, id)) save_checkpoint(self, *r);
  };
  std::string diverged;
  if (auto recorded = checkpoint::take_answer(*run, key, diverged)) {
    then(*recorded, true);
    return;
  }
  if (!diverged.empty())
    emit(self, *run, "engine", "warning",
         "The resumed trial stops re-applying its recorded decisions: " + diverged + ". From here the agent is asked.");
  const auto deadline = self->state.cfg.decision_deadline;
  self->request(run->agent, deadline, q)
      .then(
          [=](msg::decision& d) {
            if (!find(self, id)) return;
            if (std::string why = msg::check_decision(d, ctx); !why.empty()) {
              auto fb = fallback(*self->state.fallback, q);
              fb.note = "the " + d.brain + " brain's answer was invalid (" + why + "); the rules brain decided";
              then(fb);
              return;
            }
            then(d);
          },
          [=](caf::error& err) {
            if (!find(self, id)) return;
            auto fb = fallback(*self->state.fallback, q);
            fb.note = err == caf::sec::request_timeout
                          ? "no answer from the agent within " + std::to_string(deadline.count()) +
                                " ms; the rules brain decided"
                          : "the agent could not answer (" + msg::error_sentence(err) + "); the rules brain decided";
            then(fb);
          });
}

void announce(engine_self* self, trial_run& run, const msg::decision& d) {
  metrics::count_decision(msg::to_string(d.action), d.brain);
  std::string text = std::string("ACTION ") + msg::to_string(d.action);
  if (d.action == msg::action::switch_model) text += " " + d.model;
  if (!d.params.empty()) text += " (" + params_text(d.params) + ")";
  text += " — REASON " + d.reason;
  if (!d.note.empty()) text += " [" + d.note + "]";
  emit(self, run, "mlTrainer", "decision", text, decision_data(d));
}

int budget_left(const trial_run& run) { return run.plan.decision_budget - run.decisions; }

// Every configuration fitted is counted by the store for the deflated Sharpe
// ratio, keyed by the transcript line that announced it; a finished fit is
// recorded again under the same key with its validation Sharpe.
void record_configuration(engine_self* self, const trial_run& run, std::int64_t key, const std::string& model,
                          const std::map<std::string, double>& params, const char* source,
                          const msg::evaluation* measured = nullptr) {
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

std::string rows_text(const std::vector<msg::row_use>& uses) {
  std::string out;
  for (const auto& u : uses)
    out += (out.empty() ? "" : "; ") + u.purpose + ": " + std::to_string(u.rows) + " rows (" + u.first_date + " .. " +
           u.last_date + ")";
  return out;
}

// ---- step 1: data, features, volatility question.
void begin(engine_self* self, std::int64_t id) {
  auto* run = find(self, id);
  if (!run) return;
  tell(self, self->state.cfg.store, msg::set_trial_status{id, "running", ""});
  const auto& p = run->plan;
  emit(self, *run, "system", "status",
       "Trial " + std::to_string(id) + " started: " + p.symbol + " with " + p.model + ", train_ratio " +
           fmt("%.2f", p.train_ratio) + ", horizon " + std::to_string(p.horizon) + ", decision budget " +
           std::to_string(p.decision_budget) + ".");
  emit(self, *run, "engine", "progress",
       "Loading " + p.symbol + " bars (source " + p.data_source + (p.start.empty() ? "" : ", from " + p.start) +
           (p.end.empty() ? "" : ", to " + p.end) + ")...",
       msg::event_data{}.add("phase", "data").add("fraction", 0));
  msg::load_bars_request req{id, p.symbol, p.data_source, p.start, p.end, p.seed};
  self->request(self->state.cfg.loader, load_timeout, req)
      .then(
          [=](ml::bar_series& series) {
            auto* run = find(self, id);
            if (!run) return;
            const auto& b = series.bars;
            emit(self, *run, "engine", "progress",
                 "Loaded " + std::to_string(b.size()) + " " + series.timespan + " bars of " + series.symbol + " from " +
                     ml::format_date(b.front().time) + " to " + ml::format_date(b.back().time) + " (source " +
                     series.source + (series.synthetic ? ", SYNTHETIC data" : "") + ": " + series.origin + ").",
                 msg::event_data{}.add("phase", "data").add("fraction", 1));
            for (const auto& w : series.warnings) {
              emit(self, *run, "engine", "warning", "Data warning: " + w);
              run->warnings.push_back(w);
            }
            run->series = std::move(series);
            self->request(run->trainer, work_timeout, msg::prepare_request{id, run->series, run->plan.horizon})
                .then(
                    [=](msg::prepared& prep) {
                      auto* run = find(self, id);
                      if (!run) return;
                      run->prep = prep;
                      run->regime = brain::thresholds::classify_regime(prep.vol_annual, prep.vol_recent);
                      msg::volatility_report q{id, run->plan.symbol, prep.vol_annual, prep.vol_recent, run->regime,
                                               static_cast<std::int64_t>(run->series.bars.size()), run->plan,
                                               prep.vol_first_date, prep.vol_last_date, prep.recent_first_date};
                      msg::event_data w;
                      w.add("question", "volatility").add("vol_annual", prep.vol_annual)
                          .add("vol_recent", prep.vol_recent).add("regime", run->regime)
                          .add("train_ratio", run->plan.train_ratio).add("window_first", prep.vol_first_date)
                          .add("window_last", prep.vol_last_date).add("recent_first", prep.recent_first_date);
                      emit(self, *run, "engine", "question",
                           "Computed " + std::to_string(prep.features) + " features. Volatility is " + run->regime +
                               " (annualised " + pct(prep.vol_annual) + ", last 63 bars " + pct(prep.vol_recent) +
                               "), measured on " + prep.vol_first_date + " .. " + prep.vol_last_date +
                               ", the rows that train under any allowed split (train_ratio " +
                               fmt("%.1f", msg::plan_limits::min_train_ratio) + " to " +
                               fmt("%.1f", msg::plan_limits::max_train_ratio) + "). Adjust train_ratio (now " +
                               fmt("%.2f", run->plan.train_ratio) + ")?",
                           std::move(w));
                      ask(
                          self, id, q,
                          msg::decision_context{msg::question::volatility, run->plan.model,
                                                msg::is_pinned(run->plan, "train_ratio")},
                          [](brain::brain& b, const msg::volatility_report& q) { return b.on_volatility(q); },
                          [=](msg::decision d) {
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
                          });
                    },
                    [=](caf::error& e) { fail(self, id, "features_failed", msg::error_sentence(e)); });
          },
          [=](caf::error& e) { fail(self, id, "data_failed", msg::error_sentence(e)); });
}

// ---- step 2: fit in steps with checkpoints.
void advance(engine_self* self, std::int64_t id);

void fit(engine_self* self, std::int64_t id) {
  auto* run = find(self, id);
  if (!run) return;
  run->val_loss_history.clear();
  run->last_measured_step = 0;
  run->fit_part.clear();
  msg::fit_request req{id, run->model, run->params, run->plan.train_ratio, run->plan.val_ratio, run->plan.horizon,
                       run->plan.seed};
  self->request(run->trainer, work_timeout, req)
      .then(
          [=](msg::fit_started& st) {
            auto* run = find(self, id);
            if (!run) return;
            ++run->configurations;
            run->models_tried.push_back(st.model);
            run->params = st.params;
            run->fit = st;
            save_checkpoint(self, *run);
            emit(self, *run, "engine", "status",
                 "Fitting " + st.model + " (" + params_text(st.params) + ") on " + std::to_string(st.train_rows) +
                     " training rows (" + st.train_range + "); validation rows, each used once: " +
                     rows_text(st.validation_use) + "; " + std::to_string(st.test_rows) + " test rows (" +
                     st.test_range + ") stay untouched until the end.");
            run->config_key = ++run->configs_recorded;
            record_configuration(self, *run, run->config_key, st.model, st.params, "fit");
            emit(self, *run, "engine", st.leakage_passed ? "status" : "warning", st.leakage_audit);
            if (!st.leakage_passed) {
              fail(self, id, "leakage", st.leakage_audit);
              return;
            }
            advance(self, id);
          },
          [=](caf::error& e) {
            auto* run = find(self, id);
            if (!run) return;
            const std::string why = msg::error_sentence(e);
            if (run->configurations == 0) {
              fail(self, id, "fit_failed", why);
              return;
            }
            emit(self, *run, "engine", "warning",
                 "Could not start " + run->model + " with the new settings (" + why +
                     "); keeping the previous fitted model.");
            run->model = run->models_tried.back();
            finalize(self, id);
          });
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
void end_fit(engine_self* self, std::int64_t id, const std::string& how) {
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
            emit(self, *run, "engine", "status",
                 run->model + " " + how + "; kept " + k.what +
                     (std::isfinite(k.val_loss) ? " (validation loss " + fmt("%.4f", k.val_loss) + ")" : "") + ".",
                 std::move(w));
            evaluate_initial(self, id);
          },
          [=](caf::error& e) { fail(self, id, "train_failed", msg::error_sentence(e)); });
}

// "stop" at an ensemble member's checkpoint ends that member (it keeps its
// best state); the fit goes on with the next member.
void end_part(engine_self* self, std::int64_t id, const std::string& part_what) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::fit_stop_request{id, true})
      .then(
          [=](msg::fit_kept& k) {
            auto* run = find(self, id);
            if (!run) return;
            emit(self, *run, "engine", "status",
                 run->model + " (" + part_what + ") stopped on the agent's decision: " + k.what +
                     (std::isfinite(k.val_loss) ? " (validation loss " + fmt("%.4f", k.val_loss) + ")" : "") + ".");
            advance(self, id);
          },
          [=](caf::error& e) { fail(self, id, "train_failed", msg::error_sentence(e)); });
}

void advance(engine_self* self, std::int64_t id) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::fit_step_request{id})
      .then(
          [=](msg::fit_progress& p) {
            auto* run = find(self, id);
            if (!run) return;
            // A measured step must be new work: a step number that does not
            // grow would repeat a question or a loss the history already has.
            const bool fresh = p.measured && p.step > run->last_measured_step;
            const std::string unit = p.unit.empty() ? "step" : p.unit;
            // An ensemble's measured step is one of its members' units.
            const std::string who = run->model + (p.part_what.empty() ? "" : " (" + p.part_what + ")");
            msg::event_data w;
            w.add("phase", "train").add("model", run->model).add("step", p.step)
                .add("total", p.total).add("unit", unit).add("measured", fresh).add("fraction", p.fraction);
            if (fresh)
              w.add("train_loss", p.train_loss).add("val_loss", p.val_loss).add("val_accuracy", p.val_accuracy);
            if (fresh && !p.part.empty()) w.add("part", p.part);
            const std::string of_total = std::to_string(p.total);
            emit(self, *run, "engine", "progress",
                 fresh ? who + " " + unit + " " + std::to_string(p.step) + "/" + of_total + ": train loss " +
                             fmt("%.4f", p.train_loss) + ", validation loss " + fmt("%.4f", p.val_loss) +
                             ", accuracy " + pct(p.val_accuracy)
                       : run->model + " " + unit + " " + std::to_string(p.step + 1) + "/" + of_total +
                             " in progress (" + pct(p.fraction) + " of the fit done; no new measurement yet)",
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
            // Another member's losses are not comparable with the last ones:
            // its checkpoints and its stall history start afresh.
            if (p.part != run->fit_part) {
              run->val_loss_history.clear();
              run->fit_part = p.part;
            }
            // The last decision of the budget is kept for the results question
            // (continue / retrain / switch_model / optimize), the one that
            // matters most; progress checkpoints never spend it.
            if (!is_checkpoint(p, run->val_loss_history.size() + 1) || budget_left(*run) <= 1) {
              run->val_loss_history.push_back(p.val_loss);
              advance(self, id);
              return;
            }
            msg::progress_report q{id, run->model, p.step, p.total, p.train_loss, p.val_loss, p.val_accuracy,
                                   run->val_loss_history, run->modifications};
            run->val_loss_history.push_back(p.val_loss);
            msg::event_data qj;
            qj.add("question", "progress").add("step", p.step).add("total", p.total)
                .add("unit", unit).add("train_loss", p.train_loss).add("val_loss", p.val_loss)
                .add("val_accuracy", p.val_accuracy);
            if (!p.part.empty()) qj.add("part", p.part);
            emit(self, *run, "engine", "question",
                 "Checkpoint at " + unit + " " + std::to_string(p.step) + "/" + std::to_string(p.total) +
                     (p.part_what.empty() ? "" : " (" + p.part_what + ")") +
                     ": train loss " + fmt("%.4f", p.train_loss) + ", validation loss " + fmt("%.4f", p.val_loss) +
                     ". Continue, modify or stop?",
                 std::move(qj));
            ask(
                self, id, q, msg::decision_context{msg::question::progress, q.model},
                [](brain::brain& b, const msg::progress_report& q) { return b.on_progress(q); },
                [=](msg::decision d) {
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
                });
          },
          [=](caf::error& e) { fail(self, id, "train_failed", msg::error_sentence(e)); });
}

// ---- step 3: validation results, the agent's big decision.
void optimize(engine_self* self, std::int64_t id, int budget);

void evaluate_initial(engine_self* self, std::int64_t id) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::evaluate_request{id, false, false, {}})
      .then(
          [=](msg::evaluation& ev) {
            auto* run = find(self, id);
            if (!run) return;
            record_configuration(self, *run, run->config_key, ev.model, ev.params, "fit", &ev);
            msg::event_data w;
            w.add("question", "initial_results").add("model", run->model)
                .add("parameter_count", ev.parameter_count).add("train_accuracy", ev.train.accuracy).add("val_accuracy", ev.val.accuracy)
                .add("val_auc", ev.val.roc_auc).add("val_n", static_cast<std::uint64_t>(ev.val.n));
            emit(self, *run, "engine", budget_left(*run) > 0 ? "question" : "status",
                 "Initial results for " + run->model + " (" + std::to_string(ev.parameter_count) +
                     " parameters): training accuracy " + pct(ev.train.accuracy) +
                     ", validation accuracy " + pct(ev.val.accuracy) + " (n=" + std::to_string(ev.val.n) +
                     "), validation AUC " + fmt("%.3f", ev.val.roc_auc) +
                     (budget_left(*run) > 0 ? ". Continue, retrain, switch model or optimize?" : "."),
                 std::move(w));
            if (budget_left(*run) <= 0) {
              emit(self, *run, "engine", "status", "Decision budget spent; going to the final evaluation.");
              finalize(self, id);
              return;
            }
            msg::initial_results q{id,     run->model, run->configurations, ev.train,
                                   ev.val, run->params, budget_left(*run), run->models_tried};
            ask(
                self, id, q, msg::decision_context{msg::question::results, q.model, false, q.budget_left},
                [](brain::brain& b, const msg::initial_results& q) { return b.on_initial_results(q); },
                [=](msg::decision d) {
                  auto* run = find(self, id);
                  if (!run) return;
                  announce(self, *run, d);
                  run->modifications = 0;
                  if (d.action == msg::action::retrain) {
                    for (const auto& [k, v] : d.params) run->params[k] = v;
                    fit(self, id);
                  } else if (d.action == msg::action::switch_model) {
                    run->model = d.model;
                    run->params = {};
                    fit(self, id);
                  } else if (d.action == msg::action::optimize) {
                    auto it = d.params.find("budget");
                    optimize(self, id, it == d.params.end() ? msg::plan_limits::optimize_budget : int(it->second));
                  } else {
                    finalize(self, id);
                  }
                });
          },
          [=](caf::error& e) { fail(self, id, "eval_failed", msg::error_sentence(e)); });
}

// The optimiser's wall-clock cap. It ends a search only on a slow machine or
// a large budget, and then the transcript says the result may not repeat.
constexpr double optimize_seconds = 120.0;

void apply_optimization(engine_self* self, std::int64_t id, int budget, const msg::optimize_outcome& out,
                        bool replayed) {
  auto* run = find(self, id);
  if (!run) return;
  run->configurations += out.evaluations;
  run->optimizer = "The optimiser tried " + std::to_string(out.evaluations) + " configurations of " + run->model +
                   " (walk-forward, training and early-stopping rows only) and chose " + params_text(out.best_params) +
                   " (score " + fmt("%.4f", out.best_score) + "). " + out.summary;
  if (!replayed) checkpoint::record_optimization(*run, run->model, budget, out);
  else run->configs_recorded += out.evaluations;  // recorded before the interruption, under these keys
  run->params = out.best_params;
  save_checkpoint(self, *run);  // before the outcome is shown
  emit(self, *run, "engine", "status",
       std::string(replayed ? "Optimiser outcome recorded before the interruption (not searched again): it tried "
                            : "Optimiser tried ") +
           std::to_string(out.evaluations) + " configurations; best walk-forward score " +
           fmt("%.4f", out.best_score) + " with " + params_text(out.best_params) + ". " + out.summary,
       msg::event_data{}.add("phase", "optimize").add("fraction", 1));
  if (out.evaluations < budget)
    emit(self, *run, "engine", "warning",
         "The optimiser's time limit (" + fmt("%g", optimize_seconds) + " s) ended the search after " +
             std::to_string(out.evaluations) + " of " + std::to_string(budget) +
             " evaluations: a faster or slower machine tries a different number, so this choice may not repeat.");
  fit(self, id);
}

void optimize(engine_self* self, std::int64_t id, int budget) {
  auto* run = find(self, id);
  if (!run) return;
  budget = std::clamp(budget, 1, 100);
  std::string diverged;
  if (auto recorded = checkpoint::take_optimization(*run, run->model, budget, diverged)) {
    checkpoint::record_optimization(*run, run->model, budget, *recorded);
    apply_optimization(self, id, budget, *recorded, true);
    return;
  }
  if (!diverged.empty())
    emit(self, *run, "engine", "warning", "The resumed trial stops re-applying its record: " + diverged + ".");
  emit(self, *run, "engine", "progress",
       "Optimising " + run->model + " hyperparameters by walk-forward validation on the training and early-stopping "
       "rows (budget " + std::to_string(budget) + " evaluations; the test part stays untouched)...",
       msg::event_data{}.add("phase", "optimize").add("fraction", 0));
  msg::optimize_request req{id, run->model, budget, optimize_seconds, run->plan.seed};
  self->request(run->trainer, load_timeout, req)
      .then([=](msg::optimize_outcome& out) { apply_optimization(self, id, budget, out, false); },
          [=](caf::error& e) {
            auto* run = find(self, id);
            if (!run) return;
            emit(self, *run, "engine", "warning",
                 "Optimisation failed (" + msg::error_sentence(e) + "); keeping the current model.");
            finalize(self, id);
          });
}

// ---- step 4: test evaluation, paper trading, report.

// Only a stored report is announced: a crash after this loses nothing shown.
void publish_report(engine_self* self, std::int64_t id, msg::trial_report tr) {
  if (!find(self, id)) return;
  self->request(self->state.cfg.store, work_timeout, msg::save_report{tr})
      .then(
          [=](bool) {
            auto* run = find(self, id);
            if (!run) return;
            emit(self, *run, "mlTrainer", "report", tr.report.answer);
            tell_observer(self, *run, tr);
            finish(self, id);
          },
          [=](caf::error& e) { fail(self, id, "store_failed", msg::error_sentence(e)); });
}

// The test part's predictions beside their labels (close h bars later above
// this close), which the trainer built the same way.
std::vector<msg::prediction_point> test_predictions(const ml::bar_series& series, const msg::evaluation& ev,
                                                    int horizon) {
  std::vector<msg::prediction_point> out;
  const auto& bars = series.bars;
  const std::size_t h = static_cast<std::size_t>(std::max(1, horizon));
  for (std::size_t i = 0; i < ev.test_bar_index.size() && i < ev.test_prob.size(); ++i) {
    const auto t = static_cast<std::size_t>(ev.test_bar_index[i]);
    if (t + h >= bars.size()) break;
    msg::prediction_point p;
    p.date = ml::format_date(bars[t].time);
    p.p_up = ev.test_prob[i];
    p.outcome = bars[t + h].close > bars[t].close ? 1 : 0;
    p.forward_return = bars[t].close > 0 ? bars[t + h].close / bars[t].close - 1 : 0;
    out.push_back(std::move(p));
  }
  return out;
}

// Everything measured in a trial, gathered for the report.
msg::trial_summary summarize(const trial_run& run, std::int64_t id, const msg::evaluation& ev,
                             msg::paper_outcome& po, const msg::walk_forward_result& wf) {
  msg::trial_summary s;
  s.trial_id = id;
  s.plan = run.plan;
  s.plan.model = run.model;
  s.plan.params = run.params;
  s.symbol = run.plan.symbol;
  s.model = run.model;
  s.parameter_count = ev.parameter_count;
  s.data_source = run.series.source;
  s.data_origin = run.series.origin;
  s.synthetic = run.series.synthetic;
  s.first_date = ml::format_date(run.series.bars.front().time);
  s.last_date = ml::format_date(run.series.bars.back().time);
  s.bars = static_cast<std::int64_t>(run.series.bars.size());
  s.bar_size = ml::bar_size_words(run.series);
  s.features = run.prep.features;
  s.vol_annual = run.prep.vol_annual;
  s.regime = run.regime;
  s.train = ev.train;
  s.val = ev.val;
  s.test = ev.test;
  if (!ev.test_bar_index.empty()) {
    s.test_first_date = ml::format_date(run.series.bars[ev.test_bar_index.front()].time);
    s.test_last_date = ml::format_date(run.series.bars[ev.test_bar_index.back()].time);
  }
  s.paper = po.stats;
  s.buy_hold = po.buy_hold;
  s.equity = std::move(po.equity);
  s.buy_hold_equity = std::move(po.buy_hold_equity);
  s.trades = std::move(po.trades);
  s.importance = ev.importance;
  s.configurations_tried = run.configurations;
  s.decisions = run.decisions;
  s.models_tried = run.models_tried;
  s.warnings = run.warnings;
  s.leakage_audit = run.fit.leakage_audit;
  s.test_vs_return = ev.test_vs_return;
  s.paper_detail = po.detail;
  s.buy_hold_detail = po.buy_hold_detail;
  s.optimizer = run.optimizer;
  s.sma_cross = po.sma_cross;
  s.predictions = test_predictions(run.series, ev, run.plan.horizon);
  s.walk_forward = wf;
  s.daemon_tested = run.tested;
  s.validation_use = ev.validation_use;
  return s;
}

// The agent writes the report; if it cannot, the rules brain does and says so.
void request_report(engine_self* self, trial_run& run, std::int64_t id, const msg::trial_summary& s) {
  emit(self, run, "engine", "question", "Trial finished. Please write the report.", msg::event_data{}.add("question", "report"));
  self->request(run.agent, self->state.cfg.decision_deadline * 3, s)
      .then(
          [=](msg::final_report& rep) {
            rep.trial_id = id;
            publish_report(self, id, msg::trial_report{s, rep});
          },
          [=](caf::error& e) {
            if (!find(self, id)) return;
            auto rep = self->state.fallback->on_result(s);
            rep.caveats += " (The agent did not write the report: " + msg::error_sentence(e) +
                           "; the rules brain wrote it.)";
            publish_report(self, id, msg::trial_report{s, rep});
          });
}

void test_and_report(engine_self* self, std::int64_t id) {
  auto* run = find(self, id);
  if (!run) return;
  const std::string artifact =
      self->state.cfg.models_dir.empty() ? std::string() : self->state.cfg.models_dir + "/trial_" + std::to_string(id) + ".model";
  self->request(run->trainer, work_timeout, msg::evaluate_request{id, true, true, artifact})
      .then(
          [=](msg::evaluation& ev) {
            auto* run = find(self, id);
            if (!run) return;
            if (!ev.selection.empty()) {
              if (ev.model != run->model || ev.params != run->params)
                emit(self, *run, "engine", "status",
                     "Of the fits evaluated on validation, " + ev.selection + " is the best: " + ev.model + " (" +
                         params_text(ev.params) + "). That one goes to the test part.");
              run->model = ev.model;
              run->params = ev.params;
            }
            emit(self, *run, "engine", "status",
                 "Final evaluation of " + run->model + " on the untouched test part (" + run->fit.test_range +
                     "): accuracy " + pct(ev.test.accuracy) + " on " + std::to_string(ev.test.n) + " rows, AUC " +
                     fmt("%.3f", ev.test.roc_auc) + ".");
            // Evidence over the whole history before the test-part trading.
            walk_forward_hooks hooks;
            hooks.find = [=](std::int64_t i) { return find(self, i); };
            hooks.emit = [=](trial_run& r, const std::string& kind, const std::string& text, msg::event_data data) {
              emit(self, r, "engine", kind, text, std::move(data));
            };
            run_walk_forward(self, id, run->model, run->params, std::move(hooks), [=](msg::walk_forward_result wf) {
              auto* run = find(self, id);
              if (!run) return;
              msg::paper_request pr{id, run->series, ev.test_bar_index, ev.test_prob, run->plan.paper};
              // The deflated Sharpe ratio corrects for every configuration fitted for
              // this symbol and target on this daemon, with their Sharpe variance.
              pr.config.trials = static_cast<int>(std::clamp<std::int64_t>(
                  std::max<std::int64_t>(run->configurations, run->tested.configurations), 1, 1000000000));
              if (run->tested.with_sharpe >= 2) pr.sharpe_variance = run->tested.sharpe_variance;
              self->request(self->state.cfg.paper, work_timeout, pr)
                  .then(
                      [=](msg::paper_outcome& po) {
                        auto* run = find(self, id);
                        if (!run) return;
                        emit(self, *run, "engine", "status",
                             "Paper trading over the test part: return " + pct(po.stats.total_return) + ", Sharpe " +
                                 fmt("%.2f", po.stats.sharpe) + ", max drawdown " + pct(po.stats.max_drawdown) + ", " +
                                 std::to_string(po.stats.trades) + " trades; buy-and-hold " +
                                 pct(po.buy_hold.total_return) + ".");
                        request_report(self, *run, id, summarize(*run, id, ev, po, wf));
                      },
                      [=](caf::error& e) { fail(self, id, "paper_failed", msg::error_sentence(e)); });
            });
          },
          [=](caf::error& e) { fail(self, id, "eval_failed", msg::error_sentence(e)); });
}

// The store has every configuration this engine recorded before asking (one
// mailbox, in order), so the count includes this trial's own fits.
void finalize(engine_self* self, std::int64_t id) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(self->state.cfg.store, work_timeout, msg::multiple_testing_query{run->plan.symbol, run->fit.target})
      .then(
          [=](msg::multiple_testing& mt) {
            if (auto* run = find(self, id)) {
              run->tested = std::move(mt);
              test_and_report(self, id);
            }
          },
          [=](caf::error& e) {
            auto* run = find(self, id);
            if (!run) return;
            const std::string why = "The store could not count the configurations fitted for " + run->plan.symbol +
                                    " on this daemon (" + msg::error_sentence(e) +
                                    "); the deflated Sharpe ratio counts only this trial's.";
            emit(self, *run, "engine", "warning", why);
            run->warnings.push_back(why);
            test_and_report(self, id);
          });
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

// A new trial, or a reopened one whose transcript continues after `last_seq`
// and which re-applies the answers of its checkpoint.
caf::result<std::int32_t> enqueue(engine_self* self, const msg::start_trial& m, std::int64_t last_seq,
                                  const msg::trial_checkpoint& resume_from = {}) {
  auto& st = self->state;
  if (st.runs.count(m.trial_id))
    return caf::make_error(msg::errc::duplicate_trial,
                           "trial " + std::to_string(m.trial_id) + " is already queued or running");
  if (static_cast<int>(st.queue.size()) >= st.cfg.max_queue) {
    // Full: say where it would have stood, and that nothing was queued.
    metrics::count_error("busy");
    return caf::make_error(msg::errc::busy,
                           "busy, position " + std::to_string(st.queue.size() + 1) + ": " +
                               std::to_string(st.queue.size()) + " trials are already waiting (the limit is " +
                               std::to_string(st.cfg.max_queue) + "); trial " + std::to_string(m.trial_id) +
                               " was not queued, try again when one finishes");
  }
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
    emit(self, st.runs[m.trial_id], "system", "status",
         checkpoint::resume_text(resume_from, m.plan.decision_budget));
  const auto position = static_cast<std::int32_t>(st.queue.size());
  if (st.idle_trainers.empty()) {
    auto& r = st.runs[m.trial_id];
    emit(self, r, "system", "status",
         "Trial " + std::to_string(m.trial_id) + " waits: busy, position " + std::to_string(position) +
             " in the queue (all " + std::to_string(st.cfg.max_concurrent) + " trainers busy).");
  }
  start_next(self);
  return st.idle_trainers.empty() && st.runs.count(m.trial_id) && !st.runs[m.trial_id].trainer ? position : 0;
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
        emit(self, *run, "engine", "progress",
             "Optimiser evaluation " + std::to_string(m.index) + "/" + std::to_string(m.budget) + ": " +
                 params_text(m.params) + " scored " + fmt("%.4f", m.score) + " (best " + fmt("%.4f", m.best_score) + ")",
             std::move(w));
        record_configuration(self, *run, ++run->configs_recorded, run->model, m.params, "optimizer");
      },
      [=](msg::data_progress_msg& m) {
        auto* run = live(self, m.trial_id);  // mid-request: not a step
        if (!run || !run->store_failure.empty()) return;
        msg::event_data w;
        w.add("phase", "data").add("fraction", m.fraction);
        emit(self, *run, "engine", "progress", m.text, std::move(w));
      },
      // A trial's trainer moved to another node of the cluster: say so.
      [=](msg::trainer_moved& m) {
        if (auto* run = live(self, m.trial_id)) emit(self, *run, "system", "status", m.text);
      },
      // From the store: a transcript line of the trial could not be written.
      [=](msg::trial_failed& m) {
        if (auto* run = live(self, m.trial_id); run && run->store_failure.empty()) run->store_failure = m.message;
      },
      [=](msg::cancel_trial& m) -> caf::result<bool> {
        auto& st = self->state;
        auto it = st.runs.find(m.trial_id);
        if (it == st.runs.end() || it->second.cancelled) return false;
        auto& run = it->second;
        emit(self, run, "system", "status", "Trial " + std::to_string(m.trial_id) + " cancelled" +
                                                (m.reason.empty() ? "." : ": " + m.reason + "."));
        run.cancelled = true;
        tell(self, st.cfg.store, msg::set_trial_status{m.trial_id, "cancelled", m.reason});
        msg::trial_failed tf{m.trial_id, "cancelled", "cancelled", m.reason};
        tell_observer(self, run, tf);
        tell(self, run.agent, tf);
        st.queue.erase(std::remove(st.queue.begin(), st.queue.end(), m.trial_id), st.queue.end());
        // The trainer's in-flight reply finds no live run and is dropped; the
        // trainer serves the next trial after it, in order.
        finish(self, m.trial_id);
        return true;
      },
  };
}

}  // namespace

engine_actor spawn_engine(caf::actor_system& sys, engine_config cfg) {
  return sys.spawn(engine_behavior, std::move(cfg));
}

}  // namespace mlt::actors
