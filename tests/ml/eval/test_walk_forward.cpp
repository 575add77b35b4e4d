#include <catch2/catch.hpp>

#include <numeric>

#include "ml/eval/walk_forward.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

namespace {
std::vector<std::size_t> bars(std::size_t n, std::size_t first = 50) {
  std::vector<std::size_t> b(n);
  std::iota(b.begin(), b.end(), first);
  return b;
}
}  // namespace

TEST_CASE("expanding walk-forward folds grow and keep an embargo before each validation block") {
  ml::walk_forward_spec spec;
  spec.folds = 4;
  spec.embargo = 5;
  const auto b = bars(1000);
  const auto folds = ml::walk_forward_folds(b, spec);
  REQUIRE(folds.size() == 4);
  for (std::size_t i = 0; i < folds.size(); ++i) {
    const auto& f = folds[i];
    CHECK(f.train.front() == 0);
    CHECK(f.val.front() == (i + 1) * 200);
    // Label of the last row before validation (bar + h) ends before the block.
    const auto last_before = f.inner_val.empty() ? f.train.back() : f.inner_val.back();
    CHECK(b[last_before] + 5 < b[f.val.front()]);
    if (!f.inner_val.empty()) CHECK(b[f.train.back()] + 5 < b[f.inner_val.front()]);
    if (i > 0) CHECK(f.train.size() > folds[i - 1].train.size());
  }
  CHECK(folds.back().val.back() == 999);
}

TEST_CASE("rolling walk-forward folds keep a fixed training window") {
  ml::walk_forward_spec spec;
  spec.folds = 4;
  spec.window = ml::window_kind::rolling;
  spec.embargo = 1;
  spec.inner_val_ratio = 0;
  const auto folds = ml::walk_forward_folds(bars(1000), spec);
  for (std::size_t i = 1; i < folds.size(); ++i) {
    CHECK(folds[i].train.size() == folds[0].train.size());
    CHECK(folds[i].train.front() == i * 200);
  }
}

TEST_CASE("walk-forward rejects folds that would be too small") {
  ml::walk_forward_spec spec;
  spec.folds = 10;
  CHECK_THROWS_WITH(ml::walk_forward_folds(bars(100), spec), Catch::Contains("use fewer folds"));
  spec.folds = 0;
  CHECK_THROWS_WITH(ml::walk_forward_folds(bars(100), spec), Catch::Contains("folds must be in"));
}

TEST_CASE("fold data is standardised with the fold's training rows only") {
  ml::dataset d;
  d.x = Eigen::MatrixXd::Random(600, 3);
  d.x.col(0).array() += 5.0;
  d.y = Eigen::VectorXd::Zero(600);
  d.forward_return = Eigen::VectorXd::Zero(600);
  d.bar_index = bars(600);
  ml::walk_forward_spec spec;
  spec.folds = 2;
  const auto folds = ml::walk_forward_folds(d.bar_index, spec);
  const auto fd = ml::fold_fit_data(d, folds[0]);
  CHECK(fd.x_train.colwise().mean().cwiseAbs().maxCoeff() < 1e-12);
  // Changing the validation block does not change how training rows are scaled.
  auto e = d;
  for (auto r : folds[0].val) e.x.row(static_cast<Eigen::Index>(r)).array() += 100;
  CHECK(ml::fold_fit_data(e, folds[0]).x_train == fd.x_train);
  CHECK(ml::fold_val_x(e, folds[0]) != ml::fold_val_x(d, folds[0]));
}
