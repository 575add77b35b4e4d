#include "ml/models/ensemble_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ml/models/nn/ops.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/seq_trainer.hpp"

namespace mlt::ml {

namespace {

constexpr double stack_l2 = 1e-2;
constexpr int stack_folds = 5;

bool is_default_member(const std::string& n) { return n == "logistic" || n == "xgboost"; }

std::vector<std::string> candidate_members() {
  std::vector<std::string> out;
  for (const auto& n : model_names())
    if (n != "ensemble") out.push_back(n);
  return out;
}

double logit(double p) {
  const double q = std::clamp(p, 1e-6, 1.0 - 1e-6);
  return std::log(q / (1.0 - q));
}

/// Design matrix [1, logit(p_1), ..., logit(p_m)] from member probabilities.
Eigen::MatrixXd stack_design(const Eigen::MatrixXd& probs) {
  Eigen::MatrixXd z(probs.rows(), probs.cols() + 1);
  z.col(0).setOnes();
  for (Eigen::Index i = 0; i < probs.rows(); ++i)
    for (Eigen::Index j = 0; j < probs.cols(); ++j) z(i, j + 1) = logit(probs(i, j));
  return z;
}

/// L2-penalised logistic regression (intercept unpenalised) by Newton steps.
Eigen::VectorXd fit_stacker(const Eigen::MatrixXd& z, const Eigen::VectorXd& y) {
  const Eigen::Index k = z.cols();
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(k, stack_l2 * std::max<double>(1, z.rows()));
  penalty(0) = 0;
  for (int it = 0; it < 50; ++it) {
    const Eigen::VectorXd eta = z * beta;
    Eigen::VectorXd p(eta.size()), w(eta.size());
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      p(i) = nn::sigmoid(eta(i));
      w(i) = std::max(p(i) * (1 - p(i)), 1e-10);
    }
    const Eigen::VectorXd grad = z.transpose() * (p - y) + penalty.cwiseProduct(beta);
    Eigen::MatrixXd hess = z.transpose() * w.asDiagonal() * z;
    hess.diagonal() += penalty + Eigen::VectorXd::Constant(k, 1e-9);
    const Eigen::VectorXd delta = hess.ldlt().solve(grad);
    beta -= delta;
    if (delta.lpNorm<Eigen::Infinity>() < 1e-10) break;
  }
  return beta;
}

Eigen::VectorXd stacker_proba(const Eigen::MatrixXd& z, const Eigen::VectorXd& beta) {
  Eigen::VectorXd eta = z * beta;
  for (Eigen::Index i = 0; i < eta.size(); ++i) eta(i) = nn::sigmoid(eta(i));
  return eta;
}

}  // namespace

void ensemble_model::start(const fit_data& data, const param_map& params, std::uint64_t seed) {
  const auto candidates = candidate_members();
  param_map own = {{"mode", 0}, {"weight_by", 0}};
  for (const auto& n : candidates) own["use_" + n] = is_default_member(n) ? 1 : 0;
  std::map<std::string, param_map> member_params;
  for (const auto& [key, value] : params) {
    const auto dot = key.find('.');
    if (dot != std::string::npos) {
      const std::string member = key.substr(0, dot);
      if (std::find(candidates.begin(), candidates.end(), member) == candidates.end())
        throw std::invalid_argument("ensemble: parameter '" + key + "' names unknown model '" +
                                    member + "'");
      member_params[member][key.substr(dot + 1)] = value;
      continue;
    }
    if (!own.count(key)) {
      std::string known;
      for (const auto& o : own) known += " " + o.first;
      throw std::invalid_argument("ensemble: unknown parameter '" + key + "' (known:" + known +
                                  ", and <member>.<parameter>)");
    }
    if (value != 0 && value != 1)
      throw std::invalid_argument("ensemble: parameter '" + key + "' = " + std::to_string(value) +
                                  " is out of range: expected 0 or 1");
    own[key] = value;
  }

  names_.clear();
  for (const auto& n : candidates)
    if (own.at("use_" + n) == 1) names_.push_back(n);
  for (const auto& [member, p] : member_params)
    if (std::find(names_.begin(), names_.end(), member) == names_.end())
      throw std::invalid_argument("ensemble: parameters given for '" + member +
                                  "' but use_" + member + " is 0");
  if (names_.empty())
    throw std::invalid_argument("ensemble: no members; set use_<name> = 1 for at least one model");
  stacking_ = own.at("mode") == 1;
  if (stacking_ && data.x_val.rows() < 2 * stack_folds)
    throw std::invalid_argument("ensemble: mode 1 (stacking) needs at least " +
                                std::to_string(2 * stack_folds) + " validation rows");

  members_.clear();
  member_totals_.assign(names_.size(), 1);
  params_ = own;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    auto m = make_model(names_[i]);
    try {
      m->start(data, member_params[names_[i]], nn::mix_seed(seed, 100 + i));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("ensemble: member '" + names_[i] + "': " + e.what());
    }
    for (const auto& [k, v] : m->params()) params_[names_[i] + "." + k] = v;
    members_.push_back(std::move(m));
  }
  data_ = data;
  current_ = 0;
  steps_ = 0;
  done_ = false;
  weights_.resize(0);
  stack_.resize(0);
  last_ = fit_step{};
}

fit_step ensemble_model::step() {
  if (members_.empty()) throw std::logic_error("ensemble: step() before start()");
  if (done_) return last_;
  if (current_ < members_.size()) {
    const fit_step fs = members_[current_]->step();
    member_totals_[current_] = std::max(fs.total, fs.step);
    if (fs.done) member_totals_[current_] = fs.step;
    last_.train_loss = fs.train_loss;
    last_.val_loss = fs.val_loss;
    last_.val_accuracy = fs.val_accuracy;
    if (fs.done) ++current_;
  } else {
    finish();
  }
  ++steps_;
  last_.step = steps_;
  int total = 1;  // the combining step
  for (int t : member_totals_) total += std::max(1, t);
  last_.total = std::max(total, steps_);
  last_.done = done_;
  return last_;
}

void ensemble_model::finish() {
  const Eigen::Index m = static_cast<Eigen::Index>(members_.size());
  const bool has_val = data_.x_val.rows() > 0;
  Eigen::MatrixXd val(data_.x_val.rows(), m);
  for (Eigen::Index j = 0; j < m; ++j)
    if (has_val) val.col(j) = members_[static_cast<std::size_t>(j)]->predict_proba(data_.x_val);

  Eigen::VectorXd val_pred;
  if (stacking_) {
    const Eigen::MatrixXd z = stack_design(val);
    // Cross-fitted predictions: each block scored by a stacker fit on the others.
    val_pred.resize(z.rows());
    const Eigen::Index n = z.rows();
    for (int f = 0; f < stack_folds; ++f) {
      const Eigen::Index lo = n * f / stack_folds, hi = n * (f + 1) / stack_folds;
      Eigen::MatrixXd zf(n - (hi - lo), z.cols());
      Eigen::VectorXd yf(n - (hi - lo));
      zf << z.topRows(lo), z.bottomRows(n - hi);
      yf << data_.y_val.head(lo), data_.y_val.tail(n - hi);
      val_pred.segment(lo, hi - lo) = stacker_proba(z.middleRows(lo, hi - lo), fit_stacker(zf, yf));
    }
    stack_ = fit_stacker(z, data_.y_val);
  } else {
    weights_ = Eigen::VectorXd::Ones(m);
    if (has_val) {
      const bool by_accuracy = params_.at("weight_by") == 1;
      for (Eigen::Index j = 0; j < m; ++j) {
        const nn::scored s = nn::score(val.col(j), data_.y_val);
        weights_(j) = by_accuracy ? s.accuracy : 1.0 / std::max(s.log_loss, 1e-12);
      }
    }
    if (!(weights_.sum() > 0)) weights_.setOnes();
    weights_ /= weights_.sum();
    if (has_val) val_pred = combine(val);
  }
  done_ = true;
  last_.train_loss = nn::score(predict_proba(data_.x_train), data_.y_train).log_loss;
  if (has_val) {
    const nn::scored s = nn::score(val_pred, data_.y_val);
    last_.val_loss = s.log_loss;
    last_.val_accuracy = s.accuracy;
  } else {
    last_.val_loss = 0;
    last_.val_accuracy = 0;
  }
}

Eigen::VectorXd ensemble_model::combine(const Eigen::MatrixXd& member_probs) const {
  if (stacking_) return stacker_proba(stack_design(member_probs), stack_);
  return member_probs * weights_;
}

Eigen::VectorXd ensemble_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (members_.empty()) throw std::logic_error("ensemble: predict_proba() before start()");
  const Eigen::Index m = static_cast<Eigen::Index>(members_.size());
  Eigen::MatrixXd probs(x.rows(), m);
  for (Eigen::Index j = 0; j < m; ++j)
    probs.col(j) = members_[static_cast<std::size_t>(j)]->predict_proba(x);
  if (done_) return combine(probs);
  // Before the combining step, the members count equally.
  return probs.rowwise().mean();
}

param_map ensemble_model::params() const {
  if (!params_.empty()) return params_;
  param_map out = {{"mode", 0}, {"weight_by", 0}};
  for (const auto& n : candidate_members()) {
    out["use_" + n] = is_default_member(n) ? 1 : 0;
    if (is_default_member(n))
      for (const auto& [k, v] : make_model(n)->params()) out[n + "." + k] = v;
  }
  return out;
}

std::vector<double> ensemble_model::importance() const {
  const auto w = weights();
  std::vector<double> out;
  double used = 0;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const auto imp = members_[i]->importance();
    if (imp.empty() || imp.size() != static_cast<std::size_t>(data_.x_train.cols())) continue;
    const double wi = std::abs(w.empty() ? 1.0 : w[i]);
    if (out.empty()) out.assign(imp.size(), 0.0);
    for (std::size_t k = 0; k < imp.size(); ++k) out[k] += wi * imp[k];
    used += wi;
  }
  if (used > 0)
    for (auto& v : out) v /= used;
  return out;
}

std::vector<std::string> ensemble_model::members() const { return names_; }

std::vector<double> ensemble_model::weights() const {
  if (stacking_ && stack_.size() > 0)
    return std::vector<double>(stack_.data() + 1, stack_.data() + stack_.size());
  return std::vector<double>(weights_.data(), weights_.data() + weights_.size());
}

std::unique_ptr<model> make_ensemble_model() { return std::make_unique<ensemble_model>(); }

}  // namespace mlt::ml
