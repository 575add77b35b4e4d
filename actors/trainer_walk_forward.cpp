#include "actors/trainer_walk_forward.hpp"

#include <chrono>
#include <stdexcept>

namespace mlt::actors::walk_forward {

namespace {

// A step is bounded so the engine can cancel between steps and the trainer
// answers promptly; many model steps fit in it.
constexpr std::chrono::milliseconds step_budget{200};

std::string date_of(const ml::bar_series& s, std::size_t bar) { return ml::format_date(s.bars[bar].time); }

msg::walk_forward_fold record(const ml::bar_series& s, const ml::fold_outcome& o, int index) {
  msg::walk_forward_fold f;
  f.fold = index;
  f.train_first = date_of(s, o.train_first_bar);
  f.train_last = date_of(s, o.train_last_bar);
  f.train_rows = static_cast<std::int64_t>(o.train_rows);
  if (o.inner_rows > 0) {
    f.stop_first = date_of(s, o.inner_first_bar);
    f.stop_last = date_of(s, o.inner_last_bar);
  }
  f.first = date_of(s, o.first_bar);
  f.last = date_of(s, o.last_bar);
  f.n = static_cast<std::int64_t>(o.metrics.n);
  f.accuracy = o.metrics.accuracy;
  f.auc = o.metrics.auc;
  f.log_loss = o.metrics.log_loss;
  f.ic = o.metrics.ic;
  f.majority_rate = o.majority_rate;
  f.beats_majority = o.beats_majority();
  return f;
}

}  // namespace

std::unique_ptr<ml::walk_forward_run> start(const ml::dataset_splits& splits, const msg::walk_forward_request& req) {
  ml::walk_forward_spec spec;
  spec.folds = req.folds;
  spec.embargo = req.horizon;
  if (!ml::parse_window(req.window, spec.window))
    throw std::invalid_argument("unknown walk-forward window '" + req.window + "' (expanding or rolling)");
  // Rows in the embargo gaps between the trial's parts are not in the parts,
  // so they are neither trained on nor predicted; the test part stays exact.
  auto rows = ml::join_parts({&splits.train, &splits.val, &splits.test});
  const auto test_begin = static_cast<std::size_t>(splits.train.rows() + splits.val.rows());
  return std::make_unique<ml::walk_forward_run>(std::move(rows), test_begin, req.model, req.params, req.seed, spec);
}

msg::walk_forward_started layout(const ml::bar_series& series, const ml::walk_forward_run& run, msg::trial_id trial) {
  msg::walk_forward_started out;
  out.trial_id = trial;
  const auto& bars = run.rows().bar_index;
  int i = 0;
  for (const auto& f : run.folds()) {
    msg::walk_forward_fold r;
    r.fold = ++i;
    r.train_first = date_of(series, bars[f.train.front()]);
    r.train_last = date_of(series, bars[f.train.back()]);
    r.train_rows = static_cast<std::int64_t>(f.train.size());
    if (!f.inner_val.empty()) {
      r.stop_first = date_of(series, bars[f.inner_val.front()]);
      r.stop_last = date_of(series, bars[f.inner_val.back()]);
    }
    r.first = date_of(series, bars[f.val.front()]);
    r.last = date_of(series, bars[f.val.back()]);
    r.n = static_cast<std::int64_t>(f.val.size());
    out.folds.push_back(std::move(r));
  }
  return out;
}

msg::walk_forward_progress step(const ml::bar_series& series, ml::walk_forward_run& run, msg::trial_id trial) {
  const auto s = run.advance(step_budget);
  msg::walk_forward_progress out;
  out.trial_id = trial;
  out.fold = s.fold;
  out.folds = static_cast<std::int32_t>(run.folds().size());
  out.step = s.step;
  out.total = s.total;
  out.fold_done = s.fold_done;
  out.all_done = s.all_done;
  if (s.fold_done) out.result = record(series, run.outcomes().back(), s.fold);
  return out;
}

msg::walk_forward_outcome collect(const ml::bar_series& series, const ml::walk_forward_run& run,
                                  const msg::walk_forward_request& req) {
  const auto s = run.summary();
  msg::walk_forward_outcome out;
  out.trial_id = req.trial_id;
  auto& r = out.result;
  r.window = req.window;
  r.embargo = req.horizon;
  r.model = req.model;
  r.params = req.params;
  for (std::size_t i = 0; i < run.outcomes().size(); ++i)
    r.folds.push_back(record(series, run.outcomes()[i], static_cast<int>(i) + 1));
  r.n = static_cast<std::int64_t>(s.pooled.n);
  r.accuracy = s.pooled.accuracy;
  r.accuracy_se = s.pooled.accuracy_se;
  r.auc = s.pooled.auc;
  r.auc_se = s.pooled.auc_se;
  r.log_loss = s.pooled.log_loss;
  r.log_loss_se = s.pooled.log_loss_se;
  r.ic = s.pooled.ic;
  r.ic_se = s.pooled.ic_se;
  r.majority_rate = s.majority_rate;
  r.folds_beating_majority = s.folds_beating_majority;
  out.bar_index.assign(s.bar_index.begin(), s.bar_index.end());
  out.prob = s.prob;
  return out;
}

}  // namespace mlt::actors::walk_forward
