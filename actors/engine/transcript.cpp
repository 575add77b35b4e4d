#include "actors/engine/transcript.hpp"

#include <chrono>
#include <cmath>

#include <caf/all.hpp>

#include "actors/metrics.hpp"
#include "actors/text_format.hpp"
#include "messages/negotiation_checks.hpp"
#include "messages/plan_limits.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors::engine {

namespace {

using text::fmt;
using text::pct;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

msg::event_data decision_data(const msg::decision& d) {
  msg::event_data w;
  w.add("action", msg::to_string(d.action)).add("reason", d.reason).add("brain", d.brain);
  if (!d.model.empty()) w.add("model", d.model);
  if (!d.note.empty()) w.add("note", d.note);
  w.add("params", d.params);
  return w;
}

std::string rows_text(const std::vector<msg::row_use>& uses) {
  std::string out;
  for (const auto& u : uses)
    out += (out.empty() ? "" : "; ") + u.purpose + ": " + std::to_string(u.rows) + " rows (" + u.first_date + " .. " +
           u.last_date + ")";
  return out;
}

std::string val_loss_suffix(double val_loss) {
  return std::isfinite(val_loss) ? " (validation loss " + fmt("%.4f", val_loss) + ")" : "";
}

}  // namespace

void emit(engine_self* self, trial_run& run, event_speaker speaker, event_kind kind, std::string text,
          msg::event_data data) {
  msg::trial_event e;
  e.trial_id = run.id;
  e.seq = ++run.seq;
  e.time_ms = now_ms();
  e.speaker = speaker;
  e.kind = kind;
  e.text = std::move(text);
  e.data = std::move(data);
  tell(self, self->state.cfg.store, msg::record_event{e, run.observer});
}

void announce(engine_self* self, trial_run& run, const msg::decision& d) {
  metrics::count_decision(msg::to_string(d.action), d.brain);
  std::string text = std::string("ACTION ") + msg::to_string(d.action);
  if (d.action == msg::action::switch_model) text += " " + d.model;
  if (!d.params.empty()) text += " (" + params_text(d.params) + ")";
  text += " — REASON " + d.reason;
  if (!d.note.empty()) text += " [" + d.note + "]";
  emit(self, run, event_speaker::mltrainer, event_kind::decision, text, decision_data(d));
}

std::string params_text(const std::map<std::string, double>& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    if (!out.empty()) out += ", ";
    out += k + "=" + fmt("%g", v);
  }
  return out.empty() ? "defaults" : out;
}

std::string started_line(msg::trial_id id, const msg::trial_plan& p) {
  return "Trial " + msg::to_string(id) + " started: " + p.symbol + " with " + p.model + ", train_ratio " +
         fmt("%.2f", p.train_ratio) + ", horizon " + std::to_string(p.horizon) + ", decision budget " +
         std::to_string(p.decision_budget) + ".";
}

std::string loading_line(const msg::trial_plan& p) {
  return "Loading " + p.symbol + " bars (source " + p.data_source + (p.start.empty() ? "" : ", from " + p.start) +
         (p.end.empty() ? "" : ", to " + p.end) + ")...";
}

std::string loaded_line(const ml::bar_series& series) {
  const auto& b = series.bars;
  return "Loaded " + std::to_string(b.size()) + " " + series.timespan + " bars of " + series.symbol + " from " +
         ml::format_date(b.front().time) + " to " + ml::format_date(b.back().time) + " (source " + series.source +
         (series.synthetic ? ", SYNTHETIC data" : "") + ": " + series.origin + ").";
}

std::string volatility_question(const msg::prepared& prep, const std::string& regime, double train_ratio) {
  return "Computed " + std::to_string(prep.features) + " features. Volatility is " + regime + " (annualised " +
         pct(prep.vol_annual) + ", last 63 bars " + pct(prep.vol_recent) + "), measured on " + prep.vol_first_date +
         " .. " + prep.vol_last_date + ", the rows that train under any allowed split (train_ratio " +
         fmt("%.1f", msg::plan_limits::min_train_ratio) + " to " + fmt("%.1f", msg::plan_limits::max_train_ratio) +
         "). Adjust train_ratio (now " + fmt("%.2f", train_ratio) + ")?";
}

std::string fitting_line(const msg::fit_started& st) {
  return "Fitting " + st.model + " (" + params_text(st.params) + ") on " + std::to_string(st.train_rows) +
         " training rows (" + st.train_range + "); validation rows, each used once: " + rows_text(st.validation_use) +
         "; " + std::to_string(st.test_rows) + " test rows (" + st.test_range + ") stay untouched until the end.";
}

std::string step_line(const std::string& model, const std::string& who, const msg::fit_progress& p,
                      const std::string& unit, bool fresh) {
  const std::string of_total = std::to_string(p.total);
  if (fresh)
    return who + " " + unit + " " + std::to_string(p.step) + "/" + of_total + ": train loss " +
           fmt("%.4f", p.train_loss) + ", validation loss " + fmt("%.4f", p.val_loss) + ", accuracy " +
           pct(p.val_accuracy);
  return model + " " + unit + " " + std::to_string(p.step + 1) + "/" + of_total + " in progress (" + pct(p.fraction) +
         " of the fit done; no new measurement yet)";
}

std::string checkpoint_question(const msg::fit_progress& p, const std::string& unit) {
  return "Checkpoint at " + unit + " " + std::to_string(p.step) + "/" + std::to_string(p.total) +
         (p.part_what.empty() ? "" : " (" + p.part_what + ")") + ": train loss " + fmt("%.4f", p.train_loss) +
         ", validation loss " + fmt("%.4f", p.val_loss) + ". Continue, modify or stop?";
}

std::string kept_line(const std::string& model, const std::string& how, const msg::fit_kept& k) {
  return model + " " + how + "; kept " + k.what + val_loss_suffix(k.val_loss) + ".";
}

std::string part_stopped_line(const std::string& model, const std::string& part_what, const msg::fit_kept& k) {
  return model + " (" + part_what + ") stopped on the agent's decision: " + k.what + val_loss_suffix(k.val_loss) +
         ".";
}

std::string initial_results_line(const std::string& model, const msg::evaluation& ev, bool asks) {
  return "Initial results for " + model + " (" + std::to_string(ev.parameter_count) +
         " parameters): training accuracy " + pct(ev.train.accuracy) + ", validation accuracy " +
         pct(ev.val.accuracy) + " (n=" + std::to_string(ev.val.n) + "), validation AUC " +
         fmt("%.3f", ev.val.roc_auc) + (asks ? ". Continue, retrain, switch model or optimize?" : ".");
}

std::string optimizer_summary(const std::string& model, const msg::optimize_outcome& out) {
  return "The optimiser tried " + std::to_string(out.evaluations) + " configurations of " + model +
         " (walk-forward, training and early-stopping rows only) and chose " + params_text(out.best_params) +
         " (score " + fmt("%.4f", out.best_score) + "). " + out.summary;
}

std::string optimizer_line(const msg::optimize_outcome& out, bool replayed) {
  return std::string(replayed ? "Optimiser outcome recorded before the interruption (not searched again): it tried "
                              : "Optimiser tried ") +
         std::to_string(out.evaluations) + " configurations; best walk-forward score " + fmt("%.4f", out.best_score) +
         " with " + params_text(out.best_params) + ". " + out.summary;
}

std::string optimizer_cut_short(double seconds, int evaluations, int budget) {
  return "The optimiser's time limit (" + fmt("%g", seconds) + " s) ended the search after " +
         std::to_string(evaluations) + " of " + std::to_string(budget) +
         " evaluations: a faster or slower machine tries a different number, so this choice may not repeat.";
}

std::string optimize_step_line(const msg::optimize_step& m) {
  return "Optimiser evaluation " + std::to_string(m.index) + "/" + std::to_string(m.budget) + ": " +
         params_text(m.params) + " scored " + fmt("%.4f", m.score) + " (best " + fmt("%.4f", m.best_score) + ")";
}

std::string final_evaluation_line(const std::string& model, const std::string& test_range, const msg::evaluation& ev) {
  return "Final evaluation of " + model + " on the untouched test part (" + test_range + "): accuracy " +
         pct(ev.test.accuracy) + " on " + std::to_string(ev.test.n) + " rows, AUC " + fmt("%.3f", ev.test.roc_auc) +
         ".";
}

std::string test_paper_line(const msg::paper_outcome& po) {
  return "Paper trading over the test part: return " + pct(po.stats.total_return) + ", Sharpe " +
         fmt("%.2f", po.stats.sharpe) + ", max drawdown " + pct(po.stats.max_drawdown) + ", " +
         std::to_string(po.stats.trades) + " trades; buy-and-hold " + pct(po.buy_hold.total_return) + ".";
}

}  // namespace mlt::actors::engine
