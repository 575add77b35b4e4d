#pragma once
/// Shared fitting loop of the sequence networks: shuffled mini-batches of
/// windows, Adam, gradient clipping, early stopping on validation log loss
/// with the best weights restored, bounded work per step. The unit of work is
/// the epoch: only a step that finishes one is measured.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "ml/models/model.hpp"
#include "ml/models/nn/adam.hpp"
#include "ml/models/nn/ops.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/windows.hpp"

namespace mlt::ml::nn {

/// Training options common to the sequence models.
struct train_options {
  int seq_len = 20;
  int batch_size = 64;
  int max_epochs = 20;
  int patience = 4;
  double learning_rate = 1e-3;
  double clip_norm = 1.0;
  double dropout = 0.1;
  /// Approximate floating-point operations one step may spend (~0.1-0.3 s on
  /// one core); an epoch larger than this is split over several steps.
  double step_budget_flops = 2e9;
  /// Approximate flops of forward + backward for one window.
  double flops_per_window = 1e6;
};

/// Log loss and accuracy (threshold 0.5) of probabilities against 0/1 labels.
struct scored {
  double log_loss = 0;
  double accuracy = 0;
};
inline scored score(const Eigen::VectorXd& p, const Eigen::VectorXd& y) {
  scored s;
  if (y.size() == 0) return s;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double q = std::clamp(p(i), 1e-15, 1.0 - 1e-15);
    s.log_loss -= y(i) > 0.5 ? std::log(q) : std::log(1.0 - q);
    s.accuracy += ((p(i) >= 0.5) == (y(i) > 0.5)) ? 1.0 : 0.0;
  }
  s.log_loss /= static_cast<double>(y.size());
  s.accuracy /= static_cast<double>(y.size());
  return s;
}

/// Probabilities for every row of `x` from a network over windows (left
/// zero-padded at the start of `x`), evaluated in chunks.
template <class Net>
Eigen::VectorXd predict_windows(const Net& net, const Eigen::MatrixXd& x, int seq_len,
                                window_layout layout) {
  using T = typename Net::scalar;
  const int n = static_cast<int>(x.rows());
  Eigen::VectorXd out(n);
  if (n == 0) return out;
  const mat<T> xt = x.transpose().template cast<T>();
  const int chunk = 256;
  std::vector<int> ends;
  mat<T> w;
  for (int s = 0; s < n; s += chunk) {
    const int nb = std::min(chunk, n - s);
    ends.resize(static_cast<std::size_t>(nb));
    std::iota(ends.begin(), ends.end(), s);
    build_windows(xt, ends.data(), nb, seq_len, layout, w);
    const mat<T> z = net.logits(w);
    for (int k = 0; k < nb; ++k) out(s + k) = sigmoid(static_cast<double>(z(0, k)));
  }
  return out;
}

template <class Net>
class seq_trainer {
public:
  using T = typename Net::scalar;

  seq_trainer() = default;
  seq_trainer(Net net, const fit_data& data, const train_options& opt, window_layout layout,
              std::uint64_t seed)
      : net_(std::move(net)), best_(net_), opt_(opt), layout_(layout), rng_(seed) {
    xt_ = data.x_train.transpose().template cast<T>();
    y_ = data.y_train.template cast<T>();
    x_val_ = data.x_val;
    y_val_ = data.y_val;
    order_.resize(static_cast<std::size_t>(data.x_train.rows()));
    std::iota(order_.begin(), order_.end(), 0);
    adam_ = adam<T>(net_.params(), opt.learning_rate);
    const double per_batch = opt.flops_per_window * opt.batch_size;
    batches_per_step_ = std::max(1, static_cast<int>(opt.step_budget_flops / per_batch));
  }

  /// Processes up to a bounded number of batches; an epoch ends with a
  /// validation pass and the early-stopping check. A call that ends inside an
  /// epoch is not measured: it reports the epochs finished and the fraction
  /// done, with no losses (see fit_step).
  fit_step step() {
    if (done_ || order_.empty()) {
      done_ = true;
      fit_step fs = progress();
      fs.done = true;
      return fs;
    }
    if (pos_ == 0) {
      shuffle(order_, rng_);
      epoch_loss_ = 0;
      epoch_batches_ = 0;
    }
    const int n = static_cast<int>(order_.size());
    for (int k = 0; k < batches_per_step_ && pos_ < n; ++k) {
      const int nb = std::min(opt_.batch_size, n - pos_);
      const int* ends = order_.data() + pos_;
      build_windows(xt_, ends, nb, opt_.seq_len, layout_, xb_);
      yb_.resize(nb);
      for (int i = 0; i < nb; ++i) yb_(i) = y_(ends[i]);
      auto ps = net_.params();
      epoch_loss_ += net_.loss_and_grad(xb_, yb_, opt_.dropout, rng_.next());
      ++epoch_batches_;
      clip_grad_norm(ps, opt_.clip_norm);
      adam_.step(ps);
      pos_ += nb;
    }
    if (pos_ < n) return progress();
    pos_ = 0;
    return end_epoch();
  }

  /// Ends the fit and keeps the weights of the epoch with the lowest
  /// validation loss (training loss without validation rows). Before any epoch
  /// finished with a finite loss there is no such epoch: the initial weights
  /// are kept, measured now.
  kept_step stop() {
    done_ = true;
    kept_step k;
    k.step = best_epoch_;
    if (best_epoch_ > 0) {
      k.val_loss = best_loss_;
      k.what = "the weights of epoch " + std::to_string(best_epoch_);
    } else {
      k.val_loss = y_val_.size() > 0
                       ? score(predict_windows(best_, x_val_, opt_.seq_len, layout_), y_val_).log_loss
                       : std::numeric_limits<double>::quiet_NaN();
      k.what = "the initial weights (no epoch finished with a finite loss)";
    }
    return k;
  }

  const Net& net() const { return done_ ? best_ : net_; }
  bool done() const { return done_; }
  /// The epoch whose weights net() returns once done (0 = initial weights).
  int best_epoch() const { return best_epoch_; }

private:
  // Where the fit stands between measurements.
  fit_step progress() const {
    fit_step fs;
    fs.step = epoch_;
    fs.total = opt_.max_epochs;
    const double n = static_cast<double>(std::max<std::size_t>(1, order_.size()));
    fs.fraction = std::min(1.0, (epoch_ + pos_ / n) / std::max(1, opt_.max_epochs));
    return fs;
  }

  // The epoch's own measurements; the best weights are only kept, not reported.
  fit_step end_epoch() {
    ++epoch_;
    fit_step fs = progress();
    fs.measured = true;
    fs.train_loss = epoch_loss_ / std::max(1, epoch_batches_);
    double monitor = fs.train_loss;
    if (y_val_.size() > 0) {
      const scored s = score(predict_windows(net_, x_val_, opt_.seq_len, layout_), y_val_);
      fs.val_loss = s.log_loss;
      fs.val_accuracy = s.accuracy;
      monitor = s.log_loss;
    }
    if (monitor < best_loss_) {
      best_loss_ = monitor;
      best_ = net_;
      best_epoch_ = epoch_;
      bad_epochs_ = 0;
    } else {
      ++bad_epochs_;
    }
    if (bad_epochs_ >= opt_.patience || epoch_ >= opt_.max_epochs || !std::isfinite(monitor)) done_ = true;
    fs.done = done_;
    return fs;
  }

  Net net_, best_;
  train_options opt_;
  window_layout layout_ = window_layout::time_major;
  rng rng_{0};
  adam<T> adam_;
  mat<T> xt_, xb_;
  vec<T> y_, yb_;
  Eigen::MatrixXd x_val_;
  Eigen::VectorXd y_val_;
  std::vector<int> order_;
  int pos_ = 0, epoch_ = 0, best_epoch_ = 0, bad_epochs_ = 0, epoch_batches_ = 0, batches_per_step_ = 1;
  double epoch_loss_ = 0, best_loss_ = std::numeric_limits<double>::infinity();
  bool done_ = false;
};

}  // namespace mlt::ml::nn
