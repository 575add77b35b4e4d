// The second half of a trial's cycle: the results question and the
// optimiser; then the untouched test part, the walk-forward evidence, paper
// trading and the report.

#include <algorithm>

#include "actors/engine/steps.hpp"
#include "actors/engine/summary.hpp"
#include "actors/engine/walk_forward.hpp"

namespace mlt::actors::engine {

namespace {

// The optimiser's wall-clock cap. It ends a search only on a slow machine or
// a large budget, and then the transcript says the result may not repeat.
constexpr double optimize_seconds = 120.0;

void apply_results_answer(engine_self* self, msg::trial_id id, msg::decision d) {
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
}

void ask_results(engine_self* self, msg::trial_id id, const msg::evaluation& ev) {
  auto* run = find(self, id);
  if (!run) return;
  record_configuration(self, *run, run->config_key, ev.model, ev.params, "fit", &ev);
  msg::event_data w;
  w.add("question", "initial_results").add("model", run->model)
      .add("parameter_count", ev.parameter_count).add("train_accuracy", ev.train.accuracy).add("val_accuracy", ev.val.accuracy)
      .add("val_auc", ev.val.roc_auc).add("val_n", static_cast<std::uint64_t>(ev.val.n));
  const bool asks = budget_left(*run) > 0;
  emit(self, *run, event_speaker::engine, asks ? event_kind::question : event_kind::status,
       initial_results_line(run->model, ev, asks), std::move(w));
  if (!asks) {
    emit(self, *run, event_speaker::engine, event_kind::status,
         "Decision budget spent; going to the final evaluation.");
    finalize(self, id);
    return;
  }
  msg::initial_results q{id,     run->model, run->configurations, ev.train,
                         ev.val, run->params, budget_left(*run), run->models_tried};
  ask(
      self, id, q, msg::decision_context{msg::question::results, q.model, false, q.budget_left},
      [](brain::brain& b, const msg::initial_results& q) { return b.on_initial_results(q); },
      [=](msg::decision d) { apply_results_answer(self, id, std::move(d)); });
}

void apply_optimization(engine_self* self, msg::trial_id id, int budget, const msg::optimize_outcome& out,
                        bool replayed) {
  auto* run = find(self, id);
  if (!run) return;
  run->configurations += out.evaluations;
  run->optimizer = optimizer_summary(run->model, out);
  if (!replayed) checkpoint::record_optimization(*run, run->model, budget, out);
  else run->configs_recorded += out.evaluations;  // recorded before the interruption, under these keys
  run->params = out.best_params;
  save_checkpoint(self, *run);  // before the outcome is shown
  emit(self, *run, event_speaker::engine, event_kind::status, optimizer_line(out, replayed),
       msg::event_data{}.add("phase", "optimize").add("fraction", 1));
  if (out.evaluations < budget)
    emit(self, *run, event_speaker::engine, event_kind::warning,
         optimizer_cut_short(optimize_seconds, out.evaluations, budget));
  fit(self, id);
}

// Only a stored report is announced: a crash after this loses nothing shown.
void publish_report(engine_self* self, msg::trial_id id, msg::trial_report tr) {
  if (!find(self, id)) return;
  self->request(self->state.cfg.store, work_timeout, msg::save_report{tr})
      .then(
          [=](bool) {
            auto* run = find(self, id);
            if (!run) return;
            emit(self, *run, event_speaker::mltrainer, event_kind::report, tr.report.answer);
            tell_observer(self, *run, tr);
            finish(self, id);
          },
          [=](caf::error& e) {
            // A transcript line that failed first is the cause the person is told.
            if (find(self, id)) fail(self, id, "store_failed", msg::error_sentence(e));
          });
}

// The agent writes the report; if it cannot, the rules brain does and says so.
void request_report(engine_self* self, trial_run& run, const msg::trial_summary& s) {
  const auto id = run.id;
  emit(self, run, event_speaker::engine, event_kind::question, "Trial finished. Please write the report.",
       msg::event_data{}.add("question", "report"));
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

// Paper trades the test part's predictions, then asks for the report.
void trade_test_part(engine_self* self, msg::trial_id id, const msg::evaluation& ev,
                     const msg::walk_forward_result& wf) {
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
            emit(self, *run, event_speaker::engine, event_kind::status, test_paper_line(po));
            request_report(self, *run, summarize(*run, ev, po, wf));
          },
          [=](caf::error& e) { fail(self, id, "paper_failed", msg::error_sentence(e)); });
}

void on_test_evaluation(engine_self* self, msg::trial_id id, const msg::evaluation& ev) {
  auto* run = find(self, id);
  if (!run) return;
  if (!ev.selection.empty()) {
    if (ev.model != run->model || ev.params != run->params)
      emit(self, *run, event_speaker::engine, event_kind::status,
           "Of the fits evaluated on validation, " + ev.selection + " is the best: " + ev.model + " (" +
               params_text(ev.params) + "). That one goes to the test part.");
    run->model = ev.model;
    run->params = ev.params;
  }
  emit(self, *run, event_speaker::engine, event_kind::status,
       final_evaluation_line(run->model, run->fit.test_range, ev));
  // Evidence over the whole history before the test-part trading.
  walk_forward_hooks hooks;
  hooks.find = [=](msg::trial_id i) { return find(self, i); };
  hooks.emit = [=](trial_run& r, event_kind kind, const std::string& text, msg::event_data data) {
    emit(self, r, event_speaker::engine, kind, text, std::move(data));
  };
  run_walk_forward(self, id, run->model, run->params, std::move(hooks),
                   [=](msg::walk_forward_result wf) { trade_test_part(self, id, ev, wf); });
}

void test_and_report(engine_self* self, msg::trial_id id) {
  auto* run = find(self, id);
  if (!run) return;
  const auto& dir = self->state.cfg.models_dir;
  const std::string artifact = dir.empty() ? std::string() : dir + "/trial_" + msg::to_string(id) + ".model";
  self->request(run->trainer, work_timeout, msg::evaluate_request{id, true, true, artifact})
      .then([=](msg::evaluation& ev) { on_test_evaluation(self, id, ev); },
            [=](caf::error& e) { fail(self, id, "eval_failed", msg::error_sentence(e)); });
}

}  // namespace

// ---- step 3: validation results, the agent's big decision.
void evaluate_initial(engine_self* self, msg::trial_id id) {
  auto* run = find(self, id);
  if (!run) return;
  self->request(run->trainer, work_timeout, msg::evaluate_request{id, false, false, {}})
      .then([=](msg::evaluation& ev) { ask_results(self, id, ev); },
            [=](caf::error& e) { fail(self, id, "eval_failed", msg::error_sentence(e)); });
}

void optimize(engine_self* self, msg::trial_id id, int budget) {
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
    emit(self, *run, event_speaker::engine, event_kind::warning,
         "The resumed trial stops re-applying its record: " + diverged + ".");
  emit(self, *run, event_speaker::engine, event_kind::progress,
       "Optimising " + run->model + " hyperparameters by walk-forward validation on the training and early-stopping "
       "rows (budget " + std::to_string(budget) + " evaluations; the test part stays untouched)...",
       msg::event_data{}.add("phase", "optimize").add("fraction", 0));
  msg::optimize_request req{id, run->model, budget, optimize_seconds, run->plan.seed};
  self->request(run->trainer, load_timeout, req)
      .then([=](msg::optimize_outcome& out) { apply_optimization(self, id, budget, out, false); },
          [=](caf::error& e) {
            auto* run = find(self, id);
            if (!run) return;
            emit(self, *run, event_speaker::engine, event_kind::warning,
                 "Optimisation failed (" + msg::error_sentence(e) + "); keeping the current model.");
            finalize(self, id);
          });
}

// ---- step 4: test evaluation, paper trading, report.

// The store has every configuration this engine recorded before asking (one
// mailbox, in order), so the count includes this trial's own fits.
void finalize(engine_self* self, msg::trial_id id) {
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
            emit(self, *run, event_speaker::engine, event_kind::warning, why);
            run->warnings.push_back(why);
            test_and_report(self, id);
          });
}

}  // namespace mlt::actors::engine
