#include "ml/eval/walk_forward_run.hpp"

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

walk_forward_run::step_result walk_forward_run::advance(std::chrono::milliseconds budget) {
  step_result out;
  if (done()) {
    out.fold = static_cast<int>(folds_.size());
    out.all_done = true;
    return out;
  }
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

  fold_outcome o;
  const Eigen::VectorXd p = current_->predict_proba(fold_val_x(rows_, f));
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
  current_.reset();
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
