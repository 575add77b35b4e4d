// Honesty: no model may "find" a signal in a random walk, and every model must
// find a planted one. Fixed seeds keep these runs reproducible.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "ml/eval/dataset.hpp"
#include "ml/eval/metrics.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/models/model.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

namespace {

ml::fit_data to_fit_data(const ml::dataset_splits& d) {
  return {d.train.x, d.train.y, d.val.x, d.val.y};
}

double test_accuracy(const std::string& name, const ml::dataset_splits& d, std::uint64_t seed) {
  auto m = ml::make_model(name);
  REQUIRE(m);
  m->start(to_fit_data(d), {}, seed);
  for (ml::fit_step s; !s.done;) s = m->step();
  return ml::evaluate_classification(d.test.y, m->predict_proba(d.test.x)).accuracy;
}

// Log returns follow an AR(1) with coefficient phi, so the sign of the next
// return leans towards the sign of the last one: a lagged feature predicts it.
ml::bar_series ar1_bars(std::size_t n, double phi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 0.01);
  std::vector<double> closes;
  double c = 100, r = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r = phi * r + z(rng);
    c *= std::exp(r);
    closes.push_back(c);
  }
  return test::bars_from_closes(closes);
}

const char* const core_models[] = {"majority", "logistic", "xgboost"};
// The nets and the ensemble with their default parameters, on the same market
// features and the same untouched test rows as the core models.
const char* const net_models[] = {"lstm", "transformer", "ensemble"};

// The random walk and the planted signal every model is judged on: 4000 bars,
// train 0.6, validation 0.2, the default features.
ml::dataset_splits honesty_splits(const ml::bar_series& s) {
  ml::split_spec spec;
  spec.train_ratio = 0.6;
  spec.val_ratio = 0.2;
  return ml::make_splits(s, ml::build_default_features(s), spec);
}

}  // namespace

TEST_CASE("on a pure random walk every model's test accuracy stays within the binomial band around 0.5", "[honesty]") {
  const auto d = honesty_splits(test::random_walk_bars(4000, 20260101));
  // Under the null, next-bar direction is a fair coin independent of the past,
  // so any predictor's test accuracy is Binomial(n, 0.5)/n with standard error
  // sqrt(0.25/n). Band: 0.5 +- 3 standard errors (about 99.7% coverage);
  // with n ~ 790 test rows that is 0.5 +- 0.053. Three models checked at 3 sigma
  // give a family-wise false alarm under 1% for a fresh seed; the seed is fixed.
  const auto n = static_cast<double>(d.test.rows());
  const double band = 3.0 * std::sqrt(0.25 / n);
  for (const char* name : core_models) {
    const double acc = test_accuracy(name, d, 7);
    INFO(name << " accuracy " << acc << " band 0.5 +- " << band << " (n = " << n << ")");
    CHECK(std::abs(acc - 0.5) <= band);
  }
}

TEST_CASE("on a series with a planted AR(1) component logistic and xgboost beat the random-walk band",
          "[honesty]") {
  // phi = 0.4: corr(r_t, r_t+1) = 0.4, so a sign forecast from r_t is right with
  // probability 0.5 + asin(0.4)/pi ~ 0.63.
  const auto d = honesty_splits(ar1_bars(4000, 0.4, 99));
  const double upper = 0.5 + 3.0 * std::sqrt(0.25 / static_cast<double>(d.test.rows()));
  for (const char* name : {"logistic", "xgboost"}) {
    const double acc = test_accuracy(name, d, 7);
    INFO(name << " accuracy " << acc << " must exceed " << upper);
    CHECK(acc > upper);
    CHECK(acc > 0.58);
  }
}

TEST_CASE("the nets and the ensemble, on the same features and test rows, stay in the band on a random walk and "
          "find the planted signal",
          "[honesty][nets]") {
  const auto walk = honesty_splits(test::random_walk_bars(4000, 20260101));
  const auto planted = honesty_splits(ar1_bars(4000, 0.4, 99));
  const auto n = static_cast<double>(walk.test.rows());
  const double band = 3.0 * std::sqrt(0.25 / n);
  for (const char* name : net_models) {
    const double acc = test_accuracy(name, walk, 7);
    const double found = test_accuracy(name, planted, 7);
    INFO(name << " random-walk accuracy " << acc << " band 0.5 +- " << band << " (n = " << n
              << "); planted-signal accuracy " << found);
    CHECK(std::abs(acc - 0.5) <= band);
    CHECK(found > 0.5 + band);
  }
}
