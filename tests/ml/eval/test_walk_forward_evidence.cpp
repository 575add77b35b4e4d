#include <catch2/catch.hpp>

#include <random>

#include "ml/eval/dataset.hpp"
#include "ml/eval/walk_forward.hpp"
#include "ml/eval/walk_forward_run.hpp"
#include "ml/features/feature_matrix.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

// Honest-ML checks of the walk-forward evidence: no skill where there is none,
// clear skill where a signal is planted.

TEST_CASE("on a random walk, pooled walk-forward accuracy is within noise of 50%") {
  const auto series = test::random_walk_bars(3000, 7);
  const auto features = ml::build_default_features(series);
  ml::split_spec split;
  const auto sp = ml::make_splits(series, features, split);
  const auto rows = ml::join_parts({&sp.train, &sp.val, &sp.test});
  ml::walk_forward_spec spec;
  spec.folds = 5;
  spec.embargo = 1;
  ml::walk_forward_run run(rows, static_cast<std::size_t>(sp.train.rows() + sp.val.rows()), "logistic", {}, 42, spec);
  run.run_to_end();
  REQUIRE(run.outcomes().size() == 5);
  const auto s = run.summary();
  // Every out-of-sample row once, in time order, the last fold being the test part.
  CHECK(s.pooled.n == s.prob.size());
  CHECK(std::is_sorted(s.bar_index.begin(), s.bar_index.end()));
  CHECK(run.outcomes().back().first_bar == sp.test.bar_index.front());
  CHECK(run.outcomes().back().last_bar == sp.test.bar_index.back());
  CHECK(s.pooled.n > 1000);
  CHECK(std::abs(s.pooled.accuracy - 0.5) < 3 * s.pooled.accuracy_se);
  CHECK(std::abs(s.pooled.auc - 0.5) < 3 * s.pooled.auc_se);
  CHECK(std::abs(s.pooled.ic) < 3 * s.pooled.ic_se);
}

TEST_CASE("with a planted signal, pooled walk-forward accuracy is clearly above 50%") {
  const std::size_t n = 2000;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z(0.0, 1.0);
  ml::dataset d;
  d.x.resize(n, 3);
  d.y.resize(n);
  d.forward_return.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    for (Eigen::Index j = 0; j < 3; ++j) d.x(r, j) = z(rng);
    const double ret = 0.01 * (0.8 * d.x(r, 0) + z(rng));
    d.forward_return[r] = ret;
    d.y[r] = ret > 0 ? 1.0 : 0.0;
    d.bar_index.push_back(100 + i);
  }
  ml::walk_forward_spec spec;
  spec.folds = 4;
  spec.window = ml::window_kind::rolling;
  ml::walk_forward_run run(d, 1700, "logistic", {}, 42, spec);
  int fold_events = 0;
  while (!run.done())
    if (run.advance(std::chrono::milliseconds(1)).fold_done) ++fold_events;
  CHECK(fold_events == 4);
  const auto s = run.summary();
  CHECK(s.pooled.accuracy > 0.5 + 5 * s.pooled.accuracy_se);
  CHECK(s.pooled.auc > 0.6);
  CHECK(s.pooled.ic > 5 * s.pooled.ic_se);
  CHECK(s.folds_beating_majority == 4);
}
