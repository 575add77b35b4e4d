#include "ml/eval/walk_forward_run.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace mlt::ml {

walk_forward_run::walk_forward_run(dataset rows, std::size_t test_begin, std::string model, param_map params,
                                   std::uint64_t seed, const walk_forward_spec& spec)
    : rows_(std::move(rows)), model_name_(std::move(model)), params_(std::move(params)), seed_(seed) {
  if (!make_model(model_name_)) throw std::invalid_argument("unknown model '" + model_name_ + "'");
  folds_ = evidence_folds(rows_.bar_index, test_begin, spec);
}

walk_forward_run::~walk_forward_run() = default;

void walk_forward_run::use_pool(std::unique_ptr<fit_pool> pool) {
  if (batch_ || current_ || !outcomes_.empty()) throw std::logic_error("walk-forward: use_pool() after advancing");
  pool_ = std::move(pool);
}

walk_forward_run::step_result walk_forward_run::advance(std::chrono::milliseconds budget) {
  if (done()) {
    step_result out;
    out.fold = static_cast<int>(folds_.size());
    out.all_done = true;
    return out;
  }
  return pool_ ? advance_on_pool(budget) : advance_in_turn(budget);
}

walk_forward_run::step_result walk_forward_run::advance_in_turn(std::chrono::milliseconds budget) {
  step_result out;
  const std::size_t i = outcomes_.size();
  const fold& f = folds_[i];
  out.fold = static_cast<int>(i) + 1;
  if (!current_) {
    // The scaler and early stopping see this fold's training rows only.
    current_ = make_model(model_name_);
    current_->start(fold_fit_data(rows_, f), params_, seed_);
    last_ = {};
  }
  const auto until = std::chrono::steady_clock::now() + budget;
  do last_ = current_->step();
  while (!last_.done && std::chrono::steady_clock::now() < until);
  out.step = last_.step;
  out.total = last_.total;
  if (!last_.done) return out;
  const Eigen::VectorXd p = current_->predict_proba(fold_val_x(rows_, f));
  current_.reset();
  auto done = finish_fold(p);
  done.step = out.step;
  done.total = out.total;
  return done;
}

walk_forward_run::step_result walk_forward_run::advance_on_pool(std::chrono::milliseconds budget) {
  if (!batch_) {
    // The same start and seed as a fold fitted here (advance_in_turn).
    std::vector<fit_job> jobs;
    for (const auto& f : folds_) jobs.push_back({model_name_, params_, seed_, fold_fit_data(rows_, f), fold_val_x(rows_, f)});
    batch_ = std::make_unique<fit_batch>(std::move(jobs));
    auto units = batch_->take_units();
    for (std::size_t u = 0; u < units.size(); ++u) pool_->submit(u, std::move(units[u]));
  }
  const std::size_t i = outcomes_.size();
  const auto until = std::chrono::steady_clock::now() + budget;
  while (!batch_->complete(i)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    auto got = pool_->collect(std::max(left, std::chrono::milliseconds(0)));
    if (!got) break;
    batch_->arrive(got->first, std::move(got->second));
  }
  if (!batch_->complete(i)) {
    step_result out;
    out.fold = static_cast<int>(i) + 1;
    return out;
  }
  const fit_outcome o = batch_->take(i);
  throw_first_failure({o});
  auto out = finish_fold(o.prob);
  out.step = out.total = o.steps;
  return out;
}

walk_forward_run::step_result walk_forward_run::finish_fold(const Eigen::VectorXd& p) {
  const std::size_t i = outcomes_.size();
  const fold& f = folds_[i];
  fold_outcome o;
  const Eigen::VectorXd y = fold_val_y(rows_, f);
  Eigen::VectorXd fr(static_cast<Eigen::Index>(f.val.size()));
  for (std::size_t j = 0; j < f.val.size(); ++j)
    fr[static_cast<Eigen::Index>(j)] = rows_.forward_return[static_cast<Eigen::Index>(f.val[j])];
  Eigen::VectorXd train_y(static_cast<Eigen::Index>(f.train.size()));
  for (std::size_t j = 0; j < f.train.size(); ++j)
    train_y[static_cast<Eigen::Index>(j)] = rows_.y[static_cast<Eigen::Index>(f.train[j])];
  o.metrics = evaluate_oos(y, p, fr);
  o.majority_rate = majority_rate(train_y, y, &o.majority_class);
  o.train_rows = f.train.size();
  o.train_first_bar = rows_.bar_index[f.train.front()];
  o.train_last_bar = rows_.bar_index[f.train.back()];
  o.inner_rows = f.inner_val.size();
  if (!f.inner_val.empty()) {
    o.inner_first_bar = rows_.bar_index[f.inner_val.front()];
    o.inner_last_bar = rows_.bar_index[f.inner_val.back()];
  }
  o.first_bar = rows_.bar_index[f.val.front()];
  o.last_bar = rows_.bar_index[f.val.back()];
  for (std::size_t j = 0; j < f.val.size(); ++j) {
    o.bar_index.push_back(rows_.bar_index[f.val[j]]);
    o.prob.push_back(p[static_cast<Eigen::Index>(j)]);
  }
  outcomes_.push_back(std::move(o));
  step_result out;
  out.fold = static_cast<int>(i) + 1;
  out.fold_done = true;
  out.all_done = done();
  return out;
}

void walk_forward_run::run_to_end() {
  while (!done()) advance(std::chrono::milliseconds(1000));
}

walk_forward_summary walk_forward_run::summary() const {
  walk_forward_summary s;
  std::vector<double> y, fr;
  for (std::size_t i = 0; i < outcomes_.size(); ++i) {
    const auto& o = outcomes_[i];
    if (o.beats_majority()) ++s.folds_beating_majority;
    s.majority_rate += o.majority_rate * static_cast<double>(o.prob.size());
    s.bar_index.insert(s.bar_index.end(), o.bar_index.begin(), o.bar_index.end());
    s.prob.insert(s.prob.end(), o.prob.begin(), o.prob.end());
    for (auto r : folds_[i].val) {
      y.push_back(rows_.y[static_cast<Eigen::Index>(r)]);
      fr.push_back(rows_.forward_return[static_cast<Eigen::Index>(r)]);
    }
  }
  const auto view = [](const std::vector<double>& v) {
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  };
  s.pooled = evaluate_oos(view(y), view(s.prob), view(fr));
  if (!s.prob.empty()) s.majority_rate /= static_cast<double>(s.prob.size());
  return s;
}

}  // namespace mlt::ml
