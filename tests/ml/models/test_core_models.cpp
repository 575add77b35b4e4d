#include <catch2/catch.hpp>

#include <algorithm>

#include "ml/eval/metrics.hpp"
#include "ml/models/logistic_model.hpp"
#include "ml/models/majority_model.hpp"
#include "ml/models/model.hpp"
#include "ml/models/xgboost_model.hpp"
#include "tests/ml/models/planted_data.hpp"

using namespace mlt;

TEST_CASE("the registry makes the core models by name and rejects unknown names") {
  for (const char* name : {"majority", "logistic", "xgboost"}) {
    auto m = ml::make_model(name);
    REQUIRE(m);
    CHECK(m->name() == name);
  }
  CHECK_FALSE(ml::make_model("no_such_model"));
  const auto names = ml::model_names();
  CHECK(std::find(names.begin(), names.end(), "xgboost") != names.end());
}

TEST_CASE("the majority baseline predicts the training base rate") {
  auto d = test::planted_linear(200, 50, 1);
  d.y_train.setZero();
  d.y_train.head(150).setOnes();
  ml::majority_model m;
  const auto s = test::fit_all(m, d, {}, 0);
  CHECK(s.done);
  const auto p = m.predict_proba(d.x_val);
  CHECK(p.size() == 50);
  CHECK(p.minCoeff() == Approx(0.75));
  CHECK(p.maxCoeff() == Approx(0.75));
}

TEST_CASE("logistic regression learns a planted linear signal") {
  const auto d = test::planted_linear(2000, 1000, 2);
  ml::logistic_model m;
  const auto s = test::fit_all(m, d, {}, 0);
  CHECK(s.done);
  CHECK(s.step < 50);  // Newton converges in a few iterations
  const auto acc = ml::evaluate_classification(d.y_val, m.predict_proba(d.x_val)).accuracy;
  CHECK(acc > 0.8);
  // Signs and ratio of the planted weights: w1 / w0 close to -0.7.
  CHECK(m.weights()[0] > 0);
  CHECK(m.weights()[1] / m.weights()[0] == Approx(-0.7).margin(0.1));
  const auto imp = m.importance();
  CHECK(imp[0] > imp[2]);
}

TEST_CASE("xgboost learns a planted signal and ranks the planted column first") {
  const auto d = test::planted_linear(2000, 1000, 3);
  ml::xgboost_model m;
  const auto s = test::fit_all(m, d, {}, 42);
  CHECK(s.done);
  const auto acc = ml::evaluate_classification(d.y_val, m.predict_proba(d.x_val)).accuracy;
  CHECK(acc > 0.75);
  CHECK(s.val_accuracy == Approx(acc));
  const auto imp = m.importance();
  REQUIRE(imp.size() == 6);
  CHECK(std::max_element(imp.begin(), imp.end()) - imp.begin() == 0);
  double total = 0;
  for (double v : imp) total += v;
  CHECK(total == Approx(1.0));
}

TEST_CASE("xgboost with the same seed gives bit-identical predictions") {
  const auto d = test::planted_linear(800, 300, 4);
  const ml::param_map p = {{"n_rounds", 60}, {"subsample", 0.7}, {"colsample", 0.6}};
  ml::xgboost_model a, b, c;
  test::fit_all(a, d, p, 7);
  test::fit_all(b, d, p, 7);
  test::fit_all(c, d, p, 8);
  const Eigen::VectorXd pa = a.predict_proba(d.x_val), pb = b.predict_proba(d.x_val), pc = c.predict_proba(d.x_val);
  CHECK(pa == pb);
  CHECK(pa != pc);  // the seed drives row and column sampling
}

TEST_CASE("xgboost early-stops when validation loss stops improving") {
  // Validation labels unrelated to training labels: validation loss gets worse quickly.
  auto d = test::planted_linear(600, 300, 5);
  d.y_val = (Eigen::VectorXd::Ones(300) - d.y_val).eval();
  ml::xgboost_model m;
  const auto s = test::fit_all(m, d, {{"n_rounds", 1000}, {"early_stopping", 20}}, 1);
  CHECK(s.done);
  CHECK(m.rounds() < 1000);
  CHECK(m.rounds() == m.best_rounds() + 20);
}

TEST_CASE("xgboost reports progress every rounds_per_step rounds") {
  const auto d = test::planted_linear(300, 100, 6);
  ml::xgboost_model m;
  m.start(d, {{"n_rounds", 25}, {"rounds_per_step", 10}, {"early_stopping", 0}}, 1);
  CHECK(m.step().step == 10);
  CHECK(m.step().step == 20);
  const auto last = m.step();
  CHECK(last.step == 25);
  CHECK(last.total == 25);
  CHECK(last.done);
}

TEST_CASE("out-of-range or unknown parameters are rejected naming the parameter") {
  const auto d = test::planted_linear(100, 50, 7);
  ml::xgboost_model x;
  CHECK_THROWS_WITH(x.start(d, {{"eta", 2.0}}, 1), Catch::Contains("'eta'") && Catch::Contains("[0.0001, 1]"));
  CHECK_THROWS_WITH(x.start(d, {{"max_depth", 2.5}}, 1), Catch::Contains("integer"));
  CHECK_THROWS_WITH(x.start(d, {{"depth", 3}}, 1), Catch::Contains("unknown parameter 'depth'"));
  ml::logistic_model l;
  CHECK_THROWS_WITH(l.start(d, {{"l2", -1}}, 1), Catch::Contains("'l2'"));
  CHECK(l.params().empty());
  l.start(d, {{"l2", 0.5}}, 1);
  CHECK(l.params().at("l2") == 0.5);
  CHECK(l.params().at("max_iter") == 50);
}

TEST_CASE("saved and loaded core models predict exactly as before") {
  const auto d = test::planted_linear(500, 200, 8);
  for (const char* name : {"majority", "logistic", "xgboost"}) {
    auto a = ml::make_model(name);
    test::fit_all(*a, d, {}, 3);
    const std::string state = a->save();
    REQUIRE_FALSE(state.empty());
    auto b = ml::make_model(name);
    b->load(state);
    INFO(name);
    CHECK(b->predict_proba(d.x_val) == a->predict_proba(d.x_val));
    CHECK(b->params() == a->params());
    CHECK(b->importance() == a->importance());
    CHECK_THROWS_AS(b->load("garbage"), std::invalid_argument);
  }
}
