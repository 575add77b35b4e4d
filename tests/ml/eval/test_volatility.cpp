#include <catch2/catch.hpp>

#include "ml/eval/dataset.hpp"
#include "ml/eval/leakage_audit.hpp"
#include "ml/eval/volatility.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

namespace {

constexpr double min_ratio = 0.5;

std::vector<double> volatility_numbers(const ml::bar_series& s, int h) {
  const auto w = ml::training_volatility(s, ml::build_default_features(s), h, min_ratio);
  return {w.vol_annual, w.vol_recent, double(w.first_bar), double(w.last_bar)};
}

}  // namespace

TEST_CASE("the volatility window ends at the last row that trains under the smallest allowed split") {
  const auto s = test::random_walk_bars(1000, 5, 0.02);
  const auto f = ml::build_default_features(s);
  const auto w = ml::training_volatility(s, f, 2, min_ratio);
  const auto rows = ml::usable_rows(s, f, 2);
  REQUIRE(rows.size() > 500);
  CHECK(w.first_bar == rows.front());
  CHECK(w.last_bar == rows[static_cast<std::size_t>(min_ratio * double(rows.size())) - 1]);
  CHECK(w.recent_first_bar == w.last_bar + 1 - ml::recent_volatility_bars);
  // Every split the agent may choose trains on at least these rows.
  for (double r : {0.5, 0.6, 0.75, 0.9}) {
    ml::split_spec spec;
    spec.train_ratio = r;
    spec.val_ratio = std::min(0.15, (1 - r) / 2);
    spec.horizon = 2;
    const auto d = ml::make_splits(s, f, spec);
    INFO("train_ratio " << r);
    CHECK(d.train.bar_index.back() >= w.last_bar);
    CHECK(d.val.bar_index.front() > w.last_bar);
  }
  // A 2% daily random walk: about 0.02 * sqrt(252) = 32% a year.
  CHECK(w.vol_annual == Approx(0.02 * std::sqrt(252.0)).epsilon(0.1));
}

TEST_CASE("changing every validation and test bar changes no number in the volatility question") {
  const auto s = test::random_walk_bars(900, 6);
  const auto f = ml::build_default_features(s);
  ml::split_spec spec;
  spec.train_ratio = min_ratio;
  spec.val_ratio = 0.2;
  spec.horizon = 1;
  const auto d = ml::make_splits(s, f, spec);
  const auto question = [](const ml::bar_series& b) { return volatility_numbers(b, 1); };
  const auto v = ml::audit_question(s, question, d.val.bar_index.front() - 1, "volatility question");
  INFO(v.summary);
  CHECK(v.passed);
  CHECK_THAT(v.summary, Catch::Contains("unchanged"));
  // Positive control: the same audit catches the old question (whole series, last 63 bars).
  const auto whole_series = [](const ml::bar_series& b) {
    const auto n = b.bars.size();
    return std::vector<double>{ml::annual_volatility(b.bars, 0, n), ml::annual_volatility(b.bars, n - 64, n)};
  };
  const auto leaky = ml::audit_question(s, whole_series, d.val.bar_index.front() - 1, "whole-series volatility");
  CHECK_FALSE(leaky.passed);
  CHECK_THAT(leaky.summary, Catch::Contains("Question leakage"));
  // And a training bar does move it.
  const auto moved = ml::audit_question(s, question, d.train.bar_index.back() / 2, "volatility question");
  CHECK_FALSE(moved.passed);
}

TEST_CASE("too short a series for a volatility window is a clear error") {
  const auto s = test::random_walk_bars(40, 7);
  CHECK_THROWS_WITH(ml::training_volatility(s, ml::build_default_features(s), 1, min_ratio),
                    Catch::Contains("too few rows"));
}
