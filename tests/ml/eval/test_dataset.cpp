#include <catch2/catch.hpp>

#include <cmath>

#include "ml/eval/dataset.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

TEST_CASE("splits are chronological with an embargo of h bars between parts") {
  const auto s = test::random_walk_bars(1000, 11);
  const auto f = ml::build_default_features(s);
  for (int h : {1, 5}) {
    ml::split_spec spec;
    spec.horizon = h;
    const auto d = ml::make_splits(s, f, spec);
    CHECK(d.warmup_rows == 49);
    CHECK(d.train.bar_index.front() == 49);
    for (const auto* part : {&d.train, &d.val, &d.test})
      for (std::size_t i = 1; i < part->bar_index.size(); ++i) CHECK(part->bar_index[i] > part->bar_index[i - 1]);
    // The last training label (bar t + h) lies strictly before the first validation bar.
    CHECK(d.val.bar_index.front() == d.train.bar_index.back() + h + 1);
    CHECK(d.test.bar_index.front() == d.val.bar_index.back() + h + 1);
    // The last h bars have no label.
    CHECK(d.test.bar_index.back() == s.bars.size() - 1 - h);
    const std::size_t usable = s.bars.size() - 49 - h;
    CHECK(static_cast<std::size_t>(d.train.rows()) == static_cast<std::size_t>(std::floor(0.7 * usable)));
    CHECK(static_cast<std::size_t>(d.val.rows()) == static_cast<std::size_t>(std::floor(0.15 * usable)));
    CHECK(static_cast<std::size_t>(d.train.rows() + d.val.rows() + d.test.rows()) == usable - 2 * h);
  }
}

TEST_CASE("labels are the direction and return h bars ahead") {
  const auto s = test::random_walk_bars(600, 12);
  const auto f = ml::build_default_features(s);
  ml::split_spec spec;
  spec.horizon = 3;
  const auto d = ml::make_splits(s, f, spec);
  for (Eigen::Index i = 0; i < d.test.rows(); ++i) {
    const auto t = d.test.bar_index[static_cast<std::size_t>(i)];
    const double r = s.bars[t + 3].close / s.bars[t].close - 1;
    CHECK(d.test.forward_return[i] == Approx(r));
    CHECK(d.test.y[i] == (r > 0 ? 1.0 : 0.0));
  }
}

TEST_CASE("the scaler is fitted on training rows only") {
  const auto s = test::random_walk_bars(800, 13);
  const auto f = ml::build_default_features(s);
  const auto d = ml::make_splits(s, f, {});
  const Eigen::RowVectorXd mean = d.train.x.colwise().mean();
  CHECK(mean.cwiseAbs().maxCoeff() < 1e-9);
  // Changing every feature value after the training part leaves the scaler unchanged.
  auto g = f;
  const auto first_after_train = static_cast<Eigen::Index>(d.train.bar_index.back() + 1);
  g.values.bottomRows(g.values.rows() - first_after_train).array() += 1000.0;
  const auto e = ml::make_splits(s, g, {});
  CHECK(e.scaler_mean == d.scaler_mean);
  CHECK(e.scaler_scale == d.scaler_scale);
  CHECK(e.train.x == d.train.x);
  CHECK(e.test.x != d.test.x);
}

TEST_CASE("bad split ratios and tiny parts are rejected with a clear message") {
  const auto s = test::random_walk_bars(400, 14);
  const auto f = ml::build_default_features(s);
  ml::split_spec spec;
  spec.train_ratio = 0.95;
  CHECK_THROWS_WITH(ml::make_splits(s, f, spec), Catch::Contains("train_ratio must be in [0.3, 0.9]"));
  spec.train_ratio = 0.2;
  CHECK_THROWS_WITH(ml::make_splits(s, f, spec), Catch::Contains("train_ratio"));
  spec.train_ratio = 0.8;
  spec.val_ratio = 0.2;
  CHECK_THROWS_WITH(ml::make_splits(s, f, spec), Catch::Contains("below 1"));
  spec.train_ratio = 0.9;
  spec.val_ratio = 0.05;  // 350 usable rows -> 17 validation rows
  CHECK_THROWS_WITH(ml::make_splits(s, f, spec), Catch::Contains("validation part has"));
  spec = {};
  spec.horizon = 0;
  CHECK_THROWS_WITH(ml::make_splits(s, f, spec), Catch::Contains("horizon"));
}

TEST_CASE("validation rows are shared out: early stopping and configuration choice are disjoint with an embargo") {
  const auto s = test::random_walk_bars(1500, 5);
  const auto f = ml::build_default_features(s);
  for (int h : {1, 5}) {
    ml::split_spec spec;
    spec.horizon = h;
    const auto d = ml::make_splits(s, f, spec);
    const auto use = ml::share_validation(d.val, h);
    REQUIRE(use.early_stop.rows() >= static_cast<Eigen::Index>(ml::min_use_rows));
    REQUIRE(use.select.rows() >= static_cast<Eigen::Index>(ml::min_use_rows));
    // Early stopping first, configuration choice after it; no bar in both.
    CHECK(use.early_stop.bar_index.front() == d.val.bar_index.front());
    CHECK(use.select.bar_index.back() == d.val.bar_index.back());
    // The last early-stopping label (bar t + h) lies before the first choice row.
    CHECK(use.early_stop.bar_index.back() + static_cast<std::size_t>(h) < use.select.bar_index.front());
    CHECK(use.early_stop.rows() + use.select.rows() + h == d.val.rows());
    // The rows are the validation rows themselves, labels and features alike.
    CHECK(use.select.x.row(0) == d.val.x.row(use.shares.second_begin));
    CHECK(use.select.y[0] == d.val.y[static_cast<Eigen::Index>(use.shares.second_begin)]);
    CHECK(use.early_stop.forward_return.size() == use.early_stop.rows());
  }
}

TEST_CASE("rows too few to share between two uses are refused with the counts") {
  CHECK_NOTHROW(ml::share_rows(2 * ml::min_use_rows + 1, 1, "validation part"));
  CHECK_THROWS_WITH(ml::share_rows(2 * ml::min_use_rows + 4, 5, "validation part"),
                    Catch::Contains("validation part") && Catch::Contains("24 rows") &&
                        Catch::Contains("embargo of 5"));
  const auto s = ml::share_rows(100, 3, "x");
  CHECK(s.first_end == 50);
  CHECK(s.second_begin == 53);
  CHECK(s.rows == 100);
}

TEST_CASE("the target name says direction, horizon and bar unit") {
  CHECK(ml::target_name(1, "day") == "direction-1d");
  CHECK(ml::target_name(5, "hour") == "direction-5h");
  CHECK(ml::target_name(3, "minute") == "direction-3m");
  CHECK(ml::target_name(2, "month") == "direction-2bars");
}
