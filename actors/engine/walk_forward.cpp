#include "actors/engine/walk_forward.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <caf/all.hpp>

#include "actors/text_format.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors {

namespace {

using text::fmt;
using text::pct;
using namespace std::chrono_literals;

// A step is bounded by the trainer (a fraction of a second); a minute means
// it is stuck. Paper trading over the whole history gets longer.
constexpr auto step_timeout = 1min;
constexpr auto paper_timeout = 5min;

using self_ptr = engine_self*;

// Everything the steps share; lives as long as the phase.
struct phase {
  msg::trial_id id;
  walk_forward_hooks hooks;
  std::function<void(msg::walk_forward_result)> then;
  std::string window;
  int folds = 0;
};
using phase_ptr = std::shared_ptr<phase>;

msg::event_data progress_data(int fold, int folds, double fraction) {
  msg::event_data w;
  w.add("phase", "walk_forward").add("fold", fold).add("folds", folds).add("fraction", fraction);
  return w;
}

void give_up(const phase_ptr& ph, trial_run& run, const std::string& why) {
  ph->hooks.emit(run, msg::event_kind::warning,
                 "Walk-forward evidence could not be built (" + why + "); the report rests on the test part alone.",
                 {});
  msg::walk_forward_result r;
  r.note = "walk-forward evidence could not be built: " + why;
  ph->then(std::move(r));
}

// Paper trades the concatenated out-of-sample predictions.
void trade(self_ptr self, const phase_ptr& ph, msg::walk_forward_outcome out) {
  auto* run = ph->hooks.find(ph->id);
  if (!run) return;
  msg::paper_request pr{ph->id, run->series, out.bar_index, out.prob, run->plan.paper};
  pr.config.trials = std::max(1, run->configurations);
  auto result = std::make_shared<msg::walk_forward_result>(std::move(out.result));
  self->request(self->state.cfg.paper, paper_timeout, pr)
      .then(
          [=](msg::paper_outcome& po) {
            auto* run = ph->hooks.find(ph->id);
            if (!run) return;
            result->paper = po.stats;
            result->buy_hold = po.buy_hold;
            result->paper_detail = po.detail;
            result->sma_cross = po.sma_cross;
            const auto sma = po.sma_cross.find("total_return");
            ph->hooks.emit(*run, msg::event_kind::status,
                           "Paper trading over the " + std::to_string(result->n) +
                               " walk-forward out-of-sample predictions: return " + pct(po.stats.total_return) +
                               ", Sharpe " + fmt("%.2f", po.stats.sharpe) + ", max drawdown " +
                               pct(po.stats.max_drawdown) + ", " + std::to_string(po.stats.trades) +
                               " trades; buy-and-hold " + pct(po.buy_hold.total_return) +
                               (sma == po.sma_cross.end() ? std::string() : ", SMA(10,30) " + pct(sma->second)) +
                               " over the same bars.",
                           {});
            ph->then(std::move(*result));
          },
          [=](caf::error& e) {
            auto* run = ph->hooks.find(ph->id);
            if (!run) return;
            result->note = "paper trading over the walk-forward predictions failed: " + msg::error_sentence(e);
            ph->hooks.emit(*run, msg::event_kind::warning, "Walk-forward " + result->note + ".", {});
            ph->then(std::move(*result));
          });
}

void next_step(self_ptr self, const phase_ptr& ph) {
  auto* run = ph->hooks.find(ph->id);
  if (!run) return;  // cancelled: no more steps
  self->request(run->trainer, step_timeout, msg::walk_forward_step_request{ph->id})
      .then(
          [=](msg::walk_forward_progress& p) {
            auto* run = ph->hooks.find(ph->id);
            if (!run) return;
            if (p.fold_done) {
              const auto& f = p.result;
              ph->hooks.emit(*run, msg::event_kind::progress,
                             "Walk-forward fold " + std::to_string(p.fold) + "/" + std::to_string(p.folds) +
                                 ": fit on " + f.train_first + ".." + f.train_last + " (" + ph->window +
                                 (f.stop_first.empty() ? std::string()
                                                       : "; early stopping on " + f.stop_first + ".." + f.stop_last) +
                                 "), predicted " + f.first + ".." + f.last + ": accuracy " + pct(f.accuracy) +
                                 " (n=" + std::to_string(f.n) + "), AUC " + fmt("%.3f", f.auc) +
                                 (p.fold == p.folds ? " (the test part)" : ""),
                             progress_data(p.fold, p.folds, double(p.fold) / std::max(1, p.folds)));
            }
            if (!p.all_done) {
              next_step(self, ph);
              return;
            }
            self->request(run->trainer, step_timeout, msg::walk_forward_collect{ph->id})
                .then([=](msg::walk_forward_outcome& out) { trade(self, ph, std::move(out)); },
                      [=](caf::error& e) {
                        if (auto* run = ph->hooks.find(ph->id)) give_up(ph, *run, msg::error_sentence(e));
                      });
          },
          [=](caf::error& e) {
            if (auto* run = ph->hooks.find(ph->id)) give_up(ph, *run, msg::error_sentence(e));
          });
}

}  // namespace

void run_walk_forward(self_ptr self, msg::trial_id id, const std::string& model,
                      const std::map<std::string, double>& params, walk_forward_hooks hooks,
                      std::function<void(msg::walk_forward_result)> then) {
  auto* run = hooks.find(id);
  if (!run) return;
  auto ph = std::make_shared<phase>();
  ph->id = id;
  ph->hooks = std::move(hooks);
  ph->then = std::move(then);
  ph->window = run->plan.wf_window;
  ph->folds = run->plan.wf_folds;
  msg::walk_forward_request req{id, model, params, run->plan.wf_folds, run->plan.wf_window, run->plan.horizon,
                                run->plan.seed};
  self->request(run->trainer, step_timeout, req)
      .then(
          [=](msg::walk_forward_started& st) {
            auto* run = ph->hooks.find(id);
            if (!run) return;
            const auto& first = st.folds.front();
            const auto& last = st.folds.back();
            ph->hooks.emit(*run, msg::event_kind::progress,
                           "Walk-forward evidence: refitting " + model + " on " + std::to_string(st.folds.size()) +
                               " fold(s) (" + ph->window + " window, embargo " + std::to_string(run->plan.horizon) +
                               " bar(s)); first training window " + first.train_first + ".." + first.train_last +
                               ", out-of-sample " + first.first + ".." + last.last + "; the last fold is the test part.",
                           progress_data(0, static_cast<int>(st.folds.size()), 0.0));
            next_step(self, ph);
          },
          [=](caf::error& e) {
            if (auto* run = ph->hooks.find(id)) give_up(ph, *run, msg::error_sentence(e));
          });
}

}  // namespace mlt::actors
