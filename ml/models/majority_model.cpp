#include "ml/models/majority_model.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "ml/eval/metrics.hpp"

namespace mlt::ml {

void majority_model::start(const fit_data& data, const param_map& params, std::uint64_t) {
  resolve_params("majority", {}, params);
  data_ = data;
  rate_ = data.y_train.size() > 0 ? data.y_train.mean() : 0.5;
  done_ = false;
  kept_loss_ = std::nan("");
}

fit_step majority_model::step() {
  fit_step s;
  s.step = s.total = 1;
  s.done = true;
  s.fraction = 1;
  s.measured = !done_;  // the one unit of work is counting the labels
  done_ = true;
  if (!s.measured) return s;
  s.train_loss = evaluate_classification(data_.y_train, predict_proba(data_.x_train)).log_loss;
  kept_loss_ = s.train_loss;
  if (data_.y_val.size() > 0) {
    const auto m = evaluate_classification(data_.y_val, predict_proba(data_.x_val));
    s.val_loss = m.log_loss;
    s.val_accuracy = m.accuracy;
    kept_loss_ = m.log_loss;
  }
  return s;
}

kept_step majority_model::stop() {
  kept_step k;
  if (!done_) step();
  k.step = 1;
  k.val_loss = kept_loss_;
  k.what = "the training base rate";
  return k;
}

Eigen::VectorXd majority_model::predict_proba(const Eigen::MatrixXd& x) const {
  return Eigen::VectorXd::Constant(x.rows(), rate_);
}

std::string majority_model::save() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "majority 1 %.17g\n", rate_);
  return buf;
}

void majority_model::load(const std::string& state) {
  const char* prefix = "majority 1 ";
  char* end = nullptr;
  const double r = state.rfind(prefix, 0) == 0 ? std::strtod(state.c_str() + std::strlen(prefix), &end) : -1;
  if (!end || !(r >= 0 && r <= 1)) throw std::invalid_argument("majority: cannot load state: not a majority model state");
  rate_ = r;
  data_ = {};
  done_ = true;
  kept_loss_ = std::nan("");  // not measured here
}

std::unique_ptr<model> make_majority_model() { return std::make_unique<majority_model>(); }

}  // namespace mlt::ml
