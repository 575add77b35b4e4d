#include <catch2/catch.hpp>

#include "ml/models/optimize.hpp"
#include "tests/ml/models/planted_data.hpp"

using namespace mlt;

using mlt::test::planted_rows;

TEST_CASE("cross-validation of logistic regression finds the planted signal in every fold") {
  const auto rows = planted_rows(1200, 41, 0.5);
  ml::walk_forward_spec cv;
  cv.folds = 3;
  const auto r = ml::cross_validate("logistic", {}, rows, cv, 1);
  REQUIRE(r.folds.size() == 3);
  for (const auto& f : r.folds) CHECK(f.accuracy > 0.8);
  CHECK(r.mean_auc > 0.9);
}

TEST_CASE("the optimiser tunes logistic l2 on a planted signal and is deterministic for a seed") {
  // Few rows and many noise columns: heavy l2 hurts, so the search must move away from it.
  const auto rows = planted_rows(400, 42, 1.0);
  ml::optimize_spec spec;
  spec.model = "logistic";
  spec.max_evals = 8;
  spec.cv.folds = 3;
  spec.space = {{"l2", 1e-3, 100.0, false, true}};
  int calls = 0;
  const auto progress = [&](const ml::tried_config& latest, const ml::tried_config& best) {
    ++calls;
    CHECK(latest.index == calls);
    CHECK(best.score >= latest.score);
    return true;
  };
  const auto a = ml::optimize(rows, spec, progress);
  CHECK(calls == 8);
  CHECK(a.tried.size() == 8);
  CHECK(a.stop_reason == "evaluation budget");
  CHECK(a.score_name == "neg_log_loss");
  double worst = a.best_score;
  for (const auto& t : a.tried) worst = std::min(worst, t.score);
  CHECK(a.best_score > worst);
  CHECK(a.best_params.at("l2") < 10.0);
  CHECK(a.tried[0].cv.folds.size() == 3);

  const auto b = ml::optimize(rows, spec);
  REQUIRE(b.tried.size() == a.tried.size());
  for (std::size_t i = 0; i < a.tried.size(); ++i) {
    CHECK(b.tried[i].params == a.tried[i].params);
    CHECK(b.tried[i].score == a.tried[i].score);
  }
}

TEST_CASE("the optimiser searches xgboost's space and the caller can stop it") {
  const auto rows = planted_rows(600, 43, 0.5);
  ml::optimize_spec spec;
  spec.model = "xgboost";
  spec.fixed = {{"n_rounds", 40}, {"early_stopping", 10}};
  spec.max_evals = 10;
  spec.cv.folds = 2;
  const auto r = ml::optimize(rows, spec, [](const ml::tried_config& latest, const ml::tried_config&) {
    return latest.index < 3;
  });
  CHECK(r.tried.size() == 3);
  CHECK(r.stop_reason == "stopped by caller");
  for (const char* p : {"eta", "max_depth", "min_child_weight", "subsample", "n_rounds"})
    CHECK(r.best_params.count(p) == 1);
  CHECK(r.best_params.at("n_rounds") == 40);
  CHECK(r.best_params.at("max_depth") == std::round(r.best_params.at("max_depth")));
  CHECK(-r.best_score < 0.6);  // log loss well below the coin's 0.693
}

TEST_CASE("the optimiser rejects unknown models and empty spaces") {
  const auto rows = planted_rows(300, 44, 0.5);
  ml::optimize_spec spec;
  spec.model = "nope";
  CHECK_THROWS_WITH(ml::optimize(rows, spec), Catch::Contains("unknown model 'nope'"));
  spec.model = "majority";
  CHECK_THROWS_WITH(ml::optimize(rows, spec), Catch::Contains("no hyperparameters"));
  spec.model = "logistic";
  spec.max_evals = 0;
  CHECK_THROWS_WITH(ml::optimize(rows, spec), Catch::Contains("max_evals"));
}
