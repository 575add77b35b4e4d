#pragma once
// Shared by the network benchmarks: timing of a training step (forward,
// backward, clipping, Adam) at every kernel level this CPU runs, allocations
// per step, a gradient check at full size, and a default-parameter fit on 2500
// synthetic daily rows. Include from one translation unit only: it counts
// malloc calls by standing in for malloc.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <time.h>
#include <vector>

#include "ml/models/model.hpp"
#include "ml/models/nn/adam.hpp"
#include "ml/models/nn/kernel.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

// Every heap allocation of the process goes through here (Eigen calls malloc
// directly), so a step's allocations can be counted.
extern "C" void* __libc_malloc(std::size_t);
namespace mlt::bench {
inline std::atomic<long> malloc_calls{0};
}
extern "C" void* malloc(std::size_t n) {
  mlt::bench::malloc_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}

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

/// ',"key":value' with the value in %.2e (JSON has no NaN: a non-finite value is null).
inline std::string json_number(const char* key, double v) {
  char buf[96];
  if (std::isfinite(v))
    std::snprintf(buf, sizeof buf, ",\"%s\":%.2e", key, v);
  else
    std::snprintf(buf, sizeof buf, ",\"%s\":null", key);
  return buf;
}

/// One training step as the fit runs it: loss and gradient, clipping at norm
/// 1, Adam. Returns the loss.
template <class Net>
double train_step(Net& net, ml::nn::adam<typename Net::scalar>& opt,
                  const ml::nn::mat<typename Net::scalar>& x, const ml::nn::vec<typename Net::scalar>& y) {
  const auto ps = net.params();
  const double loss = net.loss_and_grad(x, y, 0.1, 7);
  ml::nn::clip_grad_norm(ps, 1.0);
  opt.step(ps);
  return loss;
}

/// Times training steps of a copy of `net` (float) with every kernel level
/// this CPU runs, the one chosen at start first, and prints one JSON line per
/// level; `fields` are extra JSON members (shape, aim). Restores the start
/// kernel. Returns the milliseconds of the start kernel.
template <class Net>
double print_step_timings(const char* name, const Net& net, const ml::nn::mat<float>& x,
                          const ml::nn::vec<float>& y, const std::string& fields, int reps) {
  const std::string start = ml::nn::kernel_name();
  std::vector<std::string> levels = {start};
  for (const char* l : {"avx512", "avx2", "sse2"})
    if (l != start && ml::nn::use_kernel(l)) levels.emplace_back(l);
  double start_ms = 0;
  for (const auto& level : levels) {
    ml::nn::use_kernel(level.c_str());
    Net n = net;
    ml::nn::adam<float> opt(n.params(), 1e-3);
    const auto t = time_ms([&] { train_step(n, opt, x, y); }, 3, reps);
    const long before = malloc_calls.load();
    train_step(n, opt, x, y);
    const long allocs = malloc_calls.load() - before;
    if (level == start) start_ms = t.cpu_ms;
    std::printf("{\"name\":\"%s\",\"value\":%.3f,\"unit\":\"ms\",\"kernel\":\"%s\",\"scalar\":\"float\","
                "\"wall_ms\":%.3f,\"allocs_per_step\":%ld,\"chosen_at_start\":%s,\"threads\":1,"
                "\"clock\":\"thread_cpu\",%s}\n",
                name, t.cpu_ms, level.c_str(), t.wall_ms, allocs, level == start ? "true" : "false",
                fields.c_str());
  }
  ml::nn::use_kernel(start.c_str());
  return start_ms;
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
