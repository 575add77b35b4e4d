#include "ml/models/logistic_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "ml/eval/metrics.hpp"

namespace mlt::ml {

namespace {

Eigen::VectorXd sigmoid(const Eigen::VectorXd& z) {
  return z.unaryExpr([](double v) {
    // Split by sign so exp never overflows.
    if (v >= 0) return 1.0 / (1.0 + std::exp(-v));
    const double e = std::exp(v);
    return e / (1.0 + e);
  });
}

}  // namespace

const std::vector<param_spec>& logistic_model::param_specs() {
  static const std::vector<param_spec> specs = {
      {"l2", 0.01, 0.0, 1000.0, false},
      {"max_iter", 50, 1, 1000, true},
      {"tol", 1e-8, 0.0, 1.0, false},
  };
  return specs;
}

void logistic_model::start(const fit_data& data, const param_map& params, std::uint64_t) {
  params_ = resolve_params("logistic", param_specs(), params);
  if (data.x_train.rows() == 0) throw std::invalid_argument("logistic: no training rows");
  if (data.x_train.rows() != data.y_train.size())
    throw std::invalid_argument("logistic: x_train and y_train differ in rows");
  data_ = data;
  w_ = Eigen::VectorXd::Zero(data.x_train.cols());
  const double rate = std::clamp(data.y_train.mean(), 1e-6, 1 - 1e-6);
  b_ = std::log(rate / (1 - rate));
  iter_ = 0;
  done_ = false;
  converged_ = false;
  best_iter_ = 0;
  best_loss_ = std::numeric_limits<double>::infinity();
}

fit_step logistic_model::step() {
  const Eigen::MatrixXd& x = data_.x_train;
  const auto n = static_cast<double>(x.rows());
  const Eigen::Index d = x.cols();
  const double l2 = params_.at("l2");
  const int max_iter = static_cast<int>(params_.at("max_iter"));
  bool measured = false;
  if (!done_) {
    const Eigen::VectorXd p = predict_proba(x);
    const Eigen::VectorXd r = p - data_.y_train;
    const Eigen::VectorXd wdiag = (p.array() * (1.0 - p.array())).max(1e-12).matrix();
    // Augmented system over [w; b]; the intercept (last) is not penalised.
    Eigen::MatrixXd h(d + 1, d + 1);
    h.topLeftCorner(d, d) = x.transpose() * wdiag.asDiagonal() * x / n;
    h.topLeftCorner(d, d).diagonal().array() += l2;
    const Eigen::VectorXd xw = x.transpose() * wdiag / n;
    h.topRightCorner(d, 1) = xw;
    h.bottomLeftCorner(1, d) = xw.transpose();
    h(d, d) = wdiag.sum() / n;
    h.diagonal().array() += 1e-10;  // keeps separable or collinear data solvable
    Eigen::VectorXd g(d + 1);
    g.head(d) = x.transpose() * r / n + l2 * w_;
    g[d] = r.sum() / n;
    const Eigen::VectorXd delta = h.ldlt().solve(g);
    w_ -= delta.head(d);
    b_ -= delta[d];
    ++iter_;
    converged_ = !(delta.cwiseAbs().maxCoeff() > params_.at("tol"));
    if (converged_ || iter_ >= max_iter) done_ = true;
    measured = true;
  }
  fit_step s;
  s.step = iter_;
  s.total = max_iter;
  s.done = done_;
  s.fraction = done_ ? 1.0 : static_cast<double>(iter_) / max_iter;
  s.measured = measured;
  if (!measured) return s;  // a call after the end does no iteration
  s.train_loss = evaluate_classification(data_.y_train, predict_proba(x)).log_loss;
  double monitor = s.train_loss;
  if (data_.y_val.size() > 0) {
    const auto m = evaluate_classification(data_.y_val, predict_proba(data_.x_val));
    s.val_loss = m.log_loss;
    s.val_accuracy = m.accuracy;
    monitor = m.log_loss;
  }
  if (monitor < best_loss_) {
    best_loss_ = monitor;
    best_iter_ = iter_;
    best_w_ = w_;
    best_b_ = b_;
  }
  if (converged_) {
    // The converged coefficients are the fit's answer; stop() keeps them.
    best_loss_ = monitor;
    best_iter_ = iter_;
    best_w_ = w_;
    best_b_ = b_;
  }
  return s;
}

kept_step logistic_model::stop() {
  done_ = true;
  kept_step k;
  if (best_iter_ == 0) {
    k.val_loss = std::nan("");
    k.what = "the starting coefficients (no Newton iteration finished)";
    return k;
  }
  w_ = best_w_;
  b_ = best_b_;
  k.step = best_iter_;
  k.val_loss = best_loss_;
  k.what = converged_ ? "the converged coefficients (iteration " + std::to_string(best_iter_) + ")"
                      : "the coefficients of iteration " + std::to_string(best_iter_);
  return k;
}

Eigen::VectorXd logistic_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (x.cols() != w_.size())
    throw std::invalid_argument("logistic: predict with " + std::to_string(x.cols()) + " columns, fitted on " +
                                std::to_string(w_.size()));
  return sigmoid(((x * w_).array() + b_).matrix());
}

std::vector<double> logistic_model::importance() const {
  std::vector<double> out(static_cast<std::size_t>(w_.size()));
  const double total = w_.cwiseAbs().sum();
  for (Eigen::Index j = 0; j < w_.size(); ++j)
    out[static_cast<std::size_t>(j)] = total > 0 ? std::abs(w_[j]) / total : 0.0;
  return out;
}

std::vector<search_dim> logistic_model::search_space() const { return {{"l2", 1e-4, 10.0, false, true}}; }

// Text with %.17g numbers, which round-trip doubles exactly.
std::string logistic_model::save() const {
  std::ostringstream out;
  char num[40];
  const auto put = [&](double v) {
    std::snprintf(num, sizeof num, " %.17g", v);
    out << num;
  };
  out << "logistic 1\nparams " << params_.size();
  for (const auto& [k, v] : params_) {
    out << ' ' << k;
    put(v);
  }
  out << "\nweights " << w_.size();
  for (Eigen::Index j = 0; j < w_.size(); ++j) put(w_[j]);
  out << "\nintercept";
  put(b_);
  out << '\n';
  return out.str();
}

void logistic_model::load(const std::string& state) {
  std::istringstream in(state);
  std::string tag, word;
  int version = 0;
  std::size_t n = 0;
  const auto bad = [](const std::string& what) { throw std::invalid_argument("logistic: cannot load state: " + what); };
  if (!(in >> tag >> version) || tag != "logistic" || version != 1) bad("not a logistic model state");
  if (!(in >> word >> n) || word != "params") bad("missing params");
  param_map p;
  for (std::size_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!(in >> k >> v)) bad("truncated params");
    p[k] = std::strtod(v.c_str(), nullptr);
  }
  if (!(in >> word >> n) || word != "weights") bad("missing weights");
  Eigen::VectorXd w(static_cast<Eigen::Index>(n));
  for (std::size_t j = 0; j < n; ++j) {
    std::string v;
    if (!(in >> v)) bad("truncated weights");
    w[static_cast<Eigen::Index>(j)] = std::strtod(v.c_str(), nullptr);
  }
  std::string b;
  if (!(in >> word >> b) || word != "intercept") bad("missing intercept");
  params_ = resolve_params("logistic", param_specs(), p);
  w_ = w;
  b_ = std::strtod(b.c_str(), nullptr);
  data_ = {};
  iter_ = 0;
  done_ = true;
  converged_ = false;
  best_iter_ = 0;  // a loaded model was not measured here
  best_loss_ = std::numeric_limits<double>::infinity();
}

std::unique_ptr<model> make_logistic_model() { return std::make_unique<logistic_model>(); }

}  // namespace mlt::ml
