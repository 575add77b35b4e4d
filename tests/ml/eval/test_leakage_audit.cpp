#include <catch2/catch.hpp>

#include <limits>

#include "ml/eval/leakage_audit.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

TEST_CASE("the leakage audit passes the default features with embargoed splits") {
  const auto s = test::random_walk_bars(700, 31);
  ml::split_spec spec;
  spec.horizon = 3;
  const auto d = ml::make_splits(s, ml::build_default_features(s), spec);
  const auto v = ml::audit_leakage(s, ml::build_default_features, d, 3);
  INFO(v.summary);
  CHECK(v.passed);
  CHECK(v.findings.empty());
  CHECK(v.probe_bars.size() >= 5);
  CHECK_THAT(v.summary, Catch::StartsWith("leakage audit passed"));
}

TEST_CASE("the leakage audit catches a feature that looks one bar ahead") {
  const auto s = test::random_walk_bars(500, 32);
  const auto leaky = [](const ml::bar_series& b) {
    auto f = ml::build_default_features(b);
    f.names.push_back("next_close");
    f.values.conservativeResize(Eigen::NoChange, f.values.cols() + 1);
    for (std::size_t t = 0; t < b.bars.size(); ++t)
      f.values(static_cast<Eigen::Index>(t), f.values.cols() - 1) =
          t + 1 < b.bars.size() ? b.bars[t + 1].close : std::numeric_limits<double>::quiet_NaN();
    return f;
  };
  const auto d = ml::make_splits(s, leaky(s), {});
  const auto v = ml::audit_leakage(s, leaky, d, 1);
  CHECK_FALSE(v.passed);
  CHECK_THAT(v.summary, Catch::Contains("FAILED") && Catch::Contains("look-ahead") && Catch::Contains("next_close"));
  // Only the leaky column is named.
  CHECK_THAT(v.summary, !Catch::Contains("rsi_14"));
}

TEST_CASE("the leakage audit catches splits without an embargo") {
  const auto s = test::random_walk_bars(600, 33);
  const auto f = ml::build_default_features(s);
  ml::split_spec spec;
  spec.horizon = 5;
  auto d = ml::make_splits(s, f, spec);
  // Pretend validation started right after training: the last training labels overlap it.
  for (auto& b : d.val.bar_index) b -= 3;
  const auto v = ml::audit_leakage(s, ml::build_default_features, d, 5);
  CHECK_FALSE(v.passed);
  CHECK_THAT(v.summary, Catch::Contains("embargo of 5 bars violated"));
}

TEST_CASE("the leakage audit catches a scaler fitted on more than the training rows") {
  const auto s = test::random_walk_bars(600, 34);
  const auto f = ml::build_default_features(s);
  auto d = ml::make_splits(s, f, {});
  d.scaler_mean = f.values.bottomRows(500).colwise().mean();
  const auto v = ml::audit_leakage(s, ml::build_default_features, d, 1);
  CHECK_FALSE(v.passed);
  CHECK_THAT(v.summary, Catch::Contains("scaler"));
}

TEST_CASE("the leakage audit catches labels that do not look exactly h bars ahead") {
  const auto s = test::random_walk_bars(600, 35);
  const auto f = ml::build_default_features(s);
  ml::split_spec spec;
  spec.horizon = 2;
  auto d = ml::make_splits(s, f, spec);
  // Labels computed with horizon 1 instead of 2.
  for (Eigen::Index i = 0; i < d.val.rows(); ++i) {
    const auto t = d.val.bar_index[static_cast<std::size_t>(i)];
    d.val.y[i] = s.bars[t + 1].close > s.bars[t].close ? 1.0 : 0.0;
    d.val.forward_return[i] = s.bars[t + 1].close / s.bars[t].close - 1.0;
  }
  const auto v = ml::audit_leakage(s, ml::build_default_features, d, 2);
  CHECK_FALSE(v.passed);
  CHECK_THAT(v.summary, Catch::Contains("validation row") && Catch::Contains("close(t+2)"));
}
