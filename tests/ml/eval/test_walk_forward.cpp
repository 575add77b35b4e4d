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

TEST_CASE("evidence folds: the test part is exactly the last fold and blocks do not overlap") {
  ml::walk_forward_spec spec;
  spec.folds = 5;
  spec.embargo = 3;
  const auto b = bars(2400);
  const std::size_t test_begin = 2100;  // 300 test rows
  const auto folds = ml::evidence_folds(b, test_begin, spec);
  REQUIRE(folds.size() == 5);
  CHECK(folds.back().val.front() == test_begin);
  CHECK(folds.back().val.back() == 2399);
  CHECK(folds.back().val.size() == 300);
  // Blocks the size of the test part, back to back, ending where the test starts.
  for (std::size_t i = 0; i + 1 < folds.size(); ++i) {
    CHECK(folds[i].val.size() == 300);
    CHECK(folds[i].val.back() + 1 == folds[i + 1].val.front());
  }
  CHECK(folds.front().val.front() == 2100 - 4 * 300);  // first window 900 rows >= 40% of 2100
  for (const auto& f : folds) {
    // No training or inner-validation row is predicted, and every label ends
    // `embargo` bars before the first predicted row.
    for (auto r : f.train) CHECK(b[r] + 3 < b[f.val.front()]);
    for (auto r : f.inner_val) CHECK(b[r] + 3 < b[f.val.front()]);
    if (!f.inner_val.empty()) CHECK(b[f.train.back()] + 3 < b[f.inner_val.front()]);
  }
}

TEST_CASE("evidence folds shrink their blocks to keep 40% of the pre-test rows for the first window") {
  ml::walk_forward_spec spec;
  spec.folds = 5;
  const auto folds = ml::evidence_folds(bars(1000), 500, spec);  // test part of 500 rows, 500 before
  REQUIRE(folds.size() == 5);
  const std::size_t block = folds[0].val.size();
  CHECK(block == 75);  // floor(0.6 * 500) / 4
  CHECK(folds[0].val.front() == 500 - 4 * 75);
  CHECK(folds[0].val.front() >= 200);
  CHECK(folds.back().val.front() == 500);
  CHECK(folds.back().val.size() == 500);
}

TEST_CASE("evidence folds: expanding windows grow, rolling ones keep the first window's length") {
  ml::walk_forward_spec spec;
  spec.folds = 4;
  spec.embargo = 1;
  spec.inner_val_ratio = 0;
  const auto b = bars(1200);
  const auto expanding = ml::evidence_folds(b, 1000, spec);
  spec.window = ml::window_kind::rolling;
  const auto rolling = ml::evidence_folds(b, 1000, spec);
  REQUIRE(expanding.size() == 4);
  REQUIRE(rolling.size() == 4);
  const std::size_t first = expanding[0].val.front();  // 1000 - 3 * 200 = 400
  CHECK(first == 400);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(expanding[i].train.front() == 0);
    CHECK(expanding[i].train.size() == expanding[i].val.front() - 1);  // embargo of 1 bar drops one row
    CHECK(rolling[i].train.front() == rolling[i].val.front() - first);
    CHECK(rolling[i].train.size() == first - 1);
    CHECK(rolling[i].val == expanding[i].val);
  }
}

TEST_CASE("evidence folds reject impossible layouts with a clear message") {
  ml::walk_forward_spec spec;
  spec.folds = 5;
  CHECK_THROWS_WITH(ml::evidence_folds(bars(100), 100, spec), Catch::Contains("rows before and in the test part"));
  CHECK_THROWS_WITH(ml::evidence_folds(bars(40), 4, spec), Catch::Contains("use fewer folds"));
  ml::window_kind w = ml::window_kind::expanding;
  CHECK(ml::parse_window("rolling", w));
  CHECK(w == ml::window_kind::rolling);
  CHECK_FALSE(ml::parse_window("sliding", w));
  CHECK(std::string(ml::window_name(ml::window_kind::expanding)) == "expanding");
}
