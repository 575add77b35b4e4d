#pragma once
// Shared by the network benchmarks: timing, a gradient check at full size,
// and a default-parameter fit on 2500 synthetic daily rows.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <time.h>
#include <vector>

#include "ml/models/model.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::bench {

/// CPU time of the calling thread in milliseconds.
inline double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/// Median thread-CPU and wall milliseconds of `fn` over `reps` runs after
/// `warm` runs. CPU time is the figure for "one core" on a shared machine.
struct timing {
  double cpu_ms = 0;
  double wall_ms = 0;
};
inline timing time_ms(const std::function<void()>& fn, int warm, int reps) {
  for (int i = 0; i < warm; ++i) fn();
  std::vector<double> cpu, wall;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_ms();
    fn();
    cpu.push_back(thread_cpu_ms() - c0);
    wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  return {cpu[cpu.size() / 2], wall[wall.size() / 2]};
}

/// Copies the weights of `from` into `to` (same architecture, any scalar).
template <class A, class B>
void copy_weights(const ml::nn::param_refs<A>& from, const ml::nn::param_refs<B>& to) {
  for (std::size_t k = 0; k < from.size(); ++k) to[k]->w = from[k]->w.template cast<B>();
}

/// Relative difference of two gradient sets, as one long vector.
template <class A, class B>
double grad_rel_diff(const ml::nn::param_refs<A>& a, const ml::nn::param_refs<B>& b) {
  double num = 0, den = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const ml::nn::mat<double> ga = a[k]->g.template cast<double>(), gb = b[k]->g.template cast<double>();
    num += (ga - gb).squaredNorm();
    den += gb.squaredNorm();
  }
  return std::sqrt(num / den);
}

/// Directional-derivative check of a double network at full size:
/// (loss(w + e g) - loss(w - e g)) / 2e against |g|^2. Returns the relative error.
template <class Net>
double directional_check(Net& net, const std::function<double()>& loss) {
  loss();
  auto ps = net.params();
  std::vector<ml::nn::mat<double>> g, w;
  double gg = 0;
  for (auto* p : ps) {
    g.push_back(p->g);
    w.push_back(p->w);
    gg += p->g.squaredNorm();
  }
  // A small step keeps ReLU kinks (transformer) from being crossed.
  const double e = 1e-6 / std::sqrt(gg);
  for (std::size_t k = 0; k < ps.size(); ++k) ps[k]->w = w[k] + e * g[k];
  const double up = loss();
  for (std::size_t k = 0; k < ps.size(); ++k) ps[k]->w = w[k] - e * g[k];
  const double down = loss();
  for (std::size_t k = 0; k < ps.size(); ++k) ps[k]->w = w[k];
  return std::abs((up - down) / (2 * e) - gg) / gg;
}

/// 2500 rows x 30 standardised features with a planted lagged signal.
inline ml::fit_data daily_like(int n_train, int n_val, int features) {
  ml::nn::rng r(2024);
  const int n = n_train + n_val;
  Eigen::MatrixXd x(n, features);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < features; ++j) x(i, j) = r.normal();
  Eigen::VectorXd y(n);
  for (int t = 0; t < n; ++t)
    y(t) = ((t >= 2 ? x(t - 2, 0) : 0.0) + 2.0 * r.normal()) > 0 ? 1.0 : 0.0;
  return {x.topRows(n_train), y.head(n_train), x.bottomRows(n_val), y.tail(n_val)};
}

/// Thread-CPU seconds to fit `m` with default parameters to completion; fills `steps`.
inline double fit_seconds(ml::model& m, const ml::fit_data& d, int& epochs) {
  const double c0 = thread_cpu_ms();
  m.start(d, {}, 1);
  ml::fit_step fs;
  do fs = m.step();
  while (!fs.done);
  epochs = fs.step;
  return (thread_cpu_ms() - c0) / 1e3;
}

}  // namespace mlt::bench
