// bench_trial's second part: the optimise decision of an LSTM trial on 10
// years of SPY's daily bars (2010-08-30 .. 2020-08-28), timed with its fits
// one after the other and on the shared fit workers (limits.parallel_fits =
// the cores). The search, its rounds, its fold caps and its rows are the
// trainer's; the two runs must agree bit for bit (every configuration's
// params and score) before anything is printed.
#include "bench/bench_trial_speedup.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <caf/all.hpp>

#include "actors/fit_pool.hpp"
#include "bench/bench_line.hpp"
#include "messages/type_ids.hpp"
#include "ml/eval/walk_forward.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/models/optimize.hpp"

using namespace mlt;

namespace {

struct registered : caf::actor_system_config {
  registered() { msg::register_message_types(*this); }
};

// The rows the trainer's optimise sees: training and early-stopping rows.
ml::dataset search_rows() {
  auto all = ml::read_csv_file(MLT_TEST_DATA_DIR, "SPY_daily.csv");
  ml::bar_series s = all;
  s.bars.clear();
  for (const auto& b : all.bars)
    if (ml::format_date(b.time) >= "2010-08-30") s.bars.push_back(b);
  auto splits = ml::make_splits(s, ml::build_default_features(s), ml::split_spec{});
  splits.val = ml::share_validation(splits.val, 1).early_stop;
  return ml::join_train_val(splits);
}

double timed(const ml::dataset& rows, const ml::optimize_spec& spec, ml::fit_pool* pool, ml::optimize_result& out) {
  const auto t0 = std::chrono::steady_clock::now();
  out = ml::optimize(rows, spec, {}, pool);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool same(const ml::optimize_result& a, const ml::optimize_result& b) {
  if (a.tried.size() != b.tried.size() || a.best_params != b.best_params) return false;
  for (std::size_t i = 0; i < a.tried.size(); ++i)
    if (a.tried[i].params != b.tried[i].params ||
        std::memcmp(&a.tried[i].score, &b.tried[i].score, sizeof(double)) != 0)
      return false;
  return true;
}

}  // namespace

namespace mlt::bench {

int optimise_speedup(int budget, int workers) {
  if (workers < 1) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto rows = search_rows();
  ml::optimize_spec spec;
  spec.model = "lstm";
  spec.max_evals = budget;
  spec.max_seconds = 1e9;  // the evaluation budget ends both runs
  spec.seed = 42;
  spec.cv.embargo = 1;

  registered cfg;
  caf::actor_system sys{cfg};
  const auto pool_workers = actors::spawn_fit_workers(sys, workers);
  ml::optimize_result in_turn, pooled;
  const double t_seq = timed(rows, spec, nullptr, in_turn);
  const auto pool = actors::make_worker_pool(sys, pool_workers);
  const double t_par = timed(rows, spec, pool_workers.workers.empty() ? nullptr : pool.get(), pooled);
  if (!same(in_turn, pooled) || in_turn.tried.size() != static_cast<std::size_t>(budget)) {
    std::fprintf(stderr, "bench_trial: the optimise runs disagree (or stopped early); nothing printed\n");
    return 1;
  }
  mlt::bench::print_line(
      "{\"name\":\"optimise_lstm_10y_daily\",\"budget\":%d,\"per_round\":%d,\"folds\":%d,\"rows\":%lld,\"workers\":%d,"
      "\"sequential_s\":%.2f,\"parallel_s\":%.2f,\"value\":%.3f,\"unit\":\"x\",\"stat\":\"speed-up\","
      "\"same_result\":true,\"data\":\"SPY_daily.csv 2010-08-30..2020-08-28\"}\n",
      budget, ml::evals_per_round, in_turn.folds, static_cast<long long>(rows.rows()), workers, t_seq, t_par, t_seq / t_par);
  std::fflush(stdout);
  return 0;
}

}  // namespace mlt::bench
