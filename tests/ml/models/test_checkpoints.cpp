// Checkpoints are measured work: a step that ends inside an epoch carries no
// losses, measured steps strictly increase, and stop() keeps the best state.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ml/models/ensemble_model.hpp"
#include "ml/models/logistic_model.hpp"
#include "ml/models/lstm_model.hpp"
#include "ml/models/majority_model.hpp"
#include "ml/models/nn/lstm_net.hpp"
#include "ml/models/nn/seq_trainer.hpp"
#include "ml/models/xgboost_model.hpp"
#include "tests/ml/models/planted_data.hpp"
#include "tests/ml/models/test_lstm_support.hpp"

using namespace mlt::ml;

namespace {

using trainer = nn::seq_trainer<nn::lstm_net<float>>;

// A small LSTM whose epochs take several steps: 13 batches an epoch, 3 a step.
trainer small_trainer(const fit_data& d, int max_epochs, double learning_rate) {
  nn::lstm_shape shape;
  shape.inputs = static_cast<int>(d.x_train.cols());
  shape.hidden = 8;
  shape.layers = 1;
  shape.seq_len = 5;
  nn::train_options opt;
  opt.seq_len = shape.seq_len;
  opt.batch_size = 32;
  opt.max_epochs = max_epochs;
  opt.patience = 1000;
  opt.learning_rate = learning_rate;
  opt.flops_per_window = 1;
  opt.step_budget_flops = 3 * 32;
  nn::rng init(7);
  return trainer(nn::lstm_net<float>(shape, init), d, opt, nn::window_layout::time_major, 11);
}

Eigen::VectorXd predictions(const trainer& t, const fit_data& d) {
  return nn::predict_windows(t.net(), d.x_val, 5, nn::window_layout::time_major);
}

}  // namespace

TEST_CASE("a seq_trainer step that ends inside an epoch is not measured; measured steps are the epochs in order",
          "[checkpoints][seq]") {
  const auto d = test::planted_sequence(400, 100, 3, 1);
  auto t = small_trainer(d, 4, 3e-3);
  std::vector<fit_step> steps;
  do steps.push_back(t.step());
  while (!steps.back().done && steps.size() < 1000);
  REQUIRE(steps.back().done);

  int measured = 0, partial = 0, last_epoch = 0;
  double last_fraction = 0;
  for (const auto& s : steps) {
    INFO("step " << s.step << " measured " << s.measured << " fraction " << s.fraction);
    CHECK(s.fraction > last_fraction);  // every call does work
    last_fraction = s.fraction;
    if (s.measured) {
      ++measured;
      CHECK(s.step == last_epoch + 1);  // strictly increasing, one per epoch
      last_epoch = s.step;
      CHECK(s.train_loss > 0);
      CHECK(s.val_loss > 0);
      CHECK(s.val_accuracy > 0);
    } else {
      ++partial;
      CHECK(s.step == last_epoch);  // the epochs finished so far
      CHECK(s.train_loss == 0);     // nothing was measured: no losses at all
      CHECK(s.val_loss == 0);
      CHECK(s.val_accuracy == 0);
      CHECK_FALSE(s.done);
    }
  }
  CHECK(measured == 4);
  CHECK(partial == 4 * 4);  // 13 batches at 3 a step: 4 partial steps, then the one that ends the epoch
  CHECK(steps.back().measured);
  CHECK(steps.back().fraction == 1.0);

  // After the end a step does no work and measures nothing.
  const auto after = t.step();
  CHECK(after.done);
  CHECK_FALSE(after.measured);
  CHECK(after.step == 4);
}

TEST_CASE("seq_trainer stop() keeps the weights of the epoch with the lowest validation loss", "[checkpoints][seq]") {
  // A random walk with a fast learning rate: the net overfits, so validation
  // loss is lowest early and the last epoch is not the best.
  const auto d = test::random_walk(300, 300, 3);
  auto t = small_trainer(d, 200, 0.05);
  std::vector<double> val_loss;
  std::vector<Eigen::VectorXd> preds;
  while (val_loss.size() < 8) {
    const auto s = t.step();
    REQUIRE_FALSE(s.done);
    if (!s.measured) continue;
    val_loss.push_back(s.val_loss);
    preds.push_back(predictions(t, d));  // the weights as they are after this epoch
  }
  const auto best = std::min_element(val_loss.begin(), val_loss.end()) - val_loss.begin();
  INFO("best epoch " << best + 1 << " of " << val_loss.size());
  REQUIRE(best + 1 < static_cast<long>(val_loss.size()));  // the case is not trivial: the last epoch is worse

  const kept_step k = t.stop();
  CHECK(k.step == best + 1);
  CHECK(k.val_loss == val_loss[static_cast<std::size_t>(best)]);
  CHECK(k.what == "the weights of epoch " + std::to_string(best + 1));
  CHECK(t.done());
  CHECK(t.best_epoch() == best + 1);
  CHECK(predictions(t, d) == preds[static_cast<std::size_t>(best)]);
  CHECK(predictions(t, d) != preds.back());

  // Stopped means stopped: no further work, the kept weights stay.
  const auto s = t.step();
  CHECK(s.done);
  CHECK_FALSE(s.measured);
  CHECK(s.step == 8);
  CHECK(predictions(t, d) == preds[static_cast<std::size_t>(best)]);
}

TEST_CASE("early stopping ends like stop(): the best epoch's weights, named", "[checkpoints][seq]") {
  const auto d = test::random_walk(300, 300, 3);
  lstm_model m;
  m.start(d, {{"hidden", 8}, {"seq_len", 5}, {"max_epochs", 200}, {"patience", 2}, {"learning_rate", 0.05}}, 1);
  std::vector<double> val_loss;
  for (fit_step s; !s.done;) {
    s = m.step();
    if (s.measured) val_loss.push_back(s.val_loss);
  }
  REQUIRE(val_loss.size() < 200);
  const auto best = std::min_element(val_loss.begin(), val_loss.end()) - val_loss.begin();
  const Eigen::VectorXd before = m.predict_proba(d.x_val);
  const kept_step k = m.stop();
  CHECK(k.step == best + 1);
  CHECK(k.val_loss == val_loss[static_cast<std::size_t>(best)]);
  CHECK(m.predict_proba(d.x_val) == before);  // early stopping had already restored them
  CHECK(m.step_unit() == "epoch");
}

TEST_CASE("a net stopped before any epoch finished keeps its initial weights and says so", "[checkpoints][seq]") {
  const auto d = test::planted_sequence(400, 100, 3, 2);
  auto t = small_trainer(d, 4, 3e-3);
  const Eigen::VectorXd initial = predictions(t, d);
  REQUIRE_FALSE(t.step().measured);
  const kept_step k = t.stop();
  CHECK(k.step == 0);
  CHECK(k.what.find("initial weights") != std::string::npos);
  CHECK(k.val_loss > 0);
  CHECK(predictions(t, d) == initial);
}

TEST_CASE("xgboost stop() keeps the trees up to the best validation round", "[checkpoints][xgboost]") {
  auto d = mlt::test::planted_linear(600, 300, 5);
  d.y_val = (Eigen::VectorXd::Ones(300) - d.y_val).eval();  // validation loss gets worse quickly
  xgboost_model m;
  m.start(d, {{"n_rounds", 1000}, {"early_stopping", 0}, {"rounds_per_step", 10}}, 1);
  int last = 0;
  for (int i = 0; i < 6; ++i) {
    const auto s = m.step();
    CHECK(s.measured);  // every call boosts and measures rounds
    CHECK(s.step > last);
    CHECK(s.val_loss > 0);
    last = s.step;
  }
  REQUIRE(m.best_rounds() < m.rounds());
  const Eigen::VectorXd before = m.predict_proba(d.x_val);
  const kept_step k = m.stop();
  CHECK(k.step == m.best_rounds());
  CHECK(k.val_loss == m.best_val_loss());
  CHECK(k.what == "the trees up to round " + std::to_string(m.best_rounds()));
  CHECK(m.predict_proba(d.x_val) == before);
  const auto after = m.step();
  CHECK(after.done);
  CHECK_FALSE(after.measured);
  CHECK(after.step == 60);
}

TEST_CASE("logistic stop() keeps the best iterate when stopped early and the converged one otherwise",
          "[checkpoints][logistic]") {
  const auto d = mlt::test::planted_linear(400, 200, 8);
  logistic_model m;
  m.start(d, {}, 0);
  std::vector<double> val_loss;
  std::vector<Eigen::VectorXd> weights;
  for (int i = 0; i < 2; ++i) {
    const auto s = m.step();
    REQUIRE(s.measured);
    CHECK(s.step == i + 1);
    val_loss.push_back(s.val_loss);
    weights.push_back(m.weights());
  }
  const auto best = std::min_element(val_loss.begin(), val_loss.end()) - val_loss.begin();
  const kept_step k = m.stop();
  CHECK(k.step == best + 1);
  CHECK(k.val_loss == val_loss[static_cast<std::size_t>(best)]);
  CHECK(m.weights() == weights[static_cast<std::size_t>(best)]);
  CHECK_FALSE(m.step().measured);

  logistic_model full;
  const auto last = mlt::test::fit_all(full, d, {}, 0);
  const Eigen::VectorXd converged = full.weights();
  const kept_step kf = full.stop();
  CHECK(kf.step == last.step);
  CHECK(kf.what.find("converged") != std::string::npos);
  CHECK(full.weights() == converged);
}

TEST_CASE("the ensemble's measured steps are its members' units, each named; stop() names each member's kept step",
          "[checkpoints][ensemble]") {
  const auto d = mlt::test::planted_linear(400, 200, 9);
  ensemble_model m;
  m.start(d, {{"xgboost.n_rounds", 30}}, 3);
  fit_step s;
  int calls = 0, last_measured = 0;
  std::vector<std::string> parts;  // in the order their measured steps came
  for (; !s.done && calls < 1000; ++calls) {
    s = m.step();
    if (!s.measured) continue;
    CHECK(s.step > last_measured);  // strictly increasing within the fit
    last_measured = s.step;
    CHECK(s.val_loss > 0);
    CHECK(s.train_loss > 0);
    if (!s.done) {
      REQUIRE_FALSE(s.part.empty());
      CHECK_THAT(s.part_what, Catch::StartsWith("member " + s.part + ", "));
      if (parts.empty() || parts.back() != s.part) parts.push_back(s.part);
    }
  }
  REQUIRE(s.done);
  CHECK(s.part.empty());  // the combination is measured as the whole
  CHECK(parts == std::vector<std::string>{"logistic", "xgboost"});
  CHECK(s.val_loss > 0);
  const kept_step k = m.stop();
  CHECK(k.step == s.step);
  CHECK(k.val_loss == s.val_loss);
  CHECK(k.what.find("logistic at iteration") != std::string::npos);
  CHECK(k.what.find("xgboost at round") != std::string::npos);

  // stop_part() ends the member in progress and the fit goes on with the next.
  ensemble_model parted;
  parted.start(d, {{"xgboost.n_rounds", 30}}, 3);
  fit_step first;
  while (!(first = parted.step()).measured) {}
  REQUIRE(first.part == "logistic");
  const kept_step kp = parted.stop_part();
  CHECK_THAT(kp.what, Catch::Contains("member logistic keeps") && Catch::Contains("goes on with member xgboost"));
  fit_step next;
  while (!(next = parted.step()).measured) {}
  CHECK(next.part == "xgboost");
  CHECK(next.step > first.step);
  while (!next.done) next = parted.step();
  CHECK(parted.members() == std::vector<std::string>{"logistic", "xgboost"});
  CHECK(parted.predict_proba(d.x_val).allFinite());

  // Stopped in its first member: the member keeps its best, the rest is left out.
  ensemble_model early;
  early.start(d, {}, 3);
  REQUIRE_FALSE(early.step().done);
  const kept_step ke = early.stop();
  CHECK(early.members() == std::vector<std::string>{"logistic"});
  CHECK(early.params().at("use_xgboost") == 0);
  CHECK(early.params().count("xgboost.eta") == 0);
  CHECK(ke.what.find("logistic at iteration 1") != std::string::npos);
  CHECK(std::isfinite(ke.val_loss));
  CHECK(early.predict_proba(d.x_val).allFinite());
}

TEST_CASE("the majority baseline has one measured step and keeps it", "[checkpoints][majority]") {
  const auto d = mlt::test::planted_linear(200, 50, 1);
  majority_model m;
  m.start(d, {}, 0);
  const auto s = m.step();
  CHECK(s.measured);
  CHECK(s.done);
  const kept_step k = m.stop();
  CHECK(k.step == 1);
  CHECK(k.val_loss == s.val_loss);
  CHECK_FALSE(m.step().measured);
}
