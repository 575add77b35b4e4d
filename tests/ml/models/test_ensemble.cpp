#include <catch2/catch.hpp>

#include <numeric>

#include "ml/models/ensemble_model.hpp"
#include "ml/models/nn/net_io.hpp"
#include "test_lstm_support.hpp"

using namespace mlt::ml;

namespace {

/// Label driven by the current row's first feature (no memory needed).
fit_data planted_row(int n_train, int n_val, std::uint64_t seed) {
  nn::rng r(seed);
  const int n = n_train + n_val;
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 3; ++j) x(i, j) = r.normal();
    y(i) = x(i, 0) + 0.5 * r.normal() > 0 ? 1.0 : 0.0;
  }
  return {x.topRows(n_train), y.head(n_train), x.bottomRows(n_val), y.tail(n_val)};
}

bool registered(const std::string& n) {
  const auto names = model_names();
  return std::find(names.begin(), names.end(), n) != names.end();
}

}  // namespace

TEST_CASE("weighted ensemble of the default members learns and weights sum to one",
          "[ensemble][weighted]") {
  if (!registered("logistic") || !registered("xgboost")) {
    FAIL("missing: logistic or xgboost not registered");
  }
  auto d = planted_row(1500, 500, 3);
  ensemble_model m;
  test::fit_all(m, d, {}, 7);
  CHECK(m.members() == std::vector<std::string>{"logistic", "xgboost"});
  const auto w = m.weights();
  REQUIRE(w.size() == 2);
  CHECK(std::accumulate(w.begin(), w.end(), 0.0) == Approx(1.0));
  CHECK(w[0] > 0);
  CHECK(w[1] > 0);
  const double acc = test::accuracy(m.predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.75);
}

TEST_CASE("stacking ensemble leans on the member that sees the sequence signal",
          "[ensemble][stacking]") {
  auto d = test::planted_sequence(1500, 600, 4, 11);
  ensemble_model m;
  const param_map p = {{"mode", 1},           {"use_logistic", 0}, {"use_xgboost", 0},
                       {"use_lstm", 1},       {"use_transformer", 1},
                       {"lstm.hidden", 16},   {"lstm.seq_len", 8},
                       {"transformer.d_model", 8}, {"transformer.heads", 2},
                       {"transformer.seq_len", 2}, {"transformer.max_epochs", 3}};
  test::fit_all(m, d, p, 5);
  const auto w = m.weights();
  REQUIRE(w.size() == 2);
  INFO("stacker coefficients lstm " << w[0] << " transformer " << w[1]);
  // A 2-token transformer cannot see row t-3, so the stacker should favour the LSTM.
  CHECK(w[0] > w[1]);
  const double acc = test::accuracy(m.predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.75);
}

TEST_CASE("ensemble advances its members in turn and reports progress", "[ensemble][steps]") {
  auto d = test::planted_sequence(300, 100, 3, 1);
  ensemble_model m;
  m.start(d, {{"use_logistic", 0}, {"use_xgboost", 0}, {"use_lstm", 1}, {"use_transformer", 1},
              {"lstm.max_epochs", 3}, {"lstm.hidden", 4}, {"transformer.max_epochs", 2},
              {"transformer.d_model", 4}, {"transformer.heads", 1}},
          2);
  std::vector<fit_step> steps;
  do steps.push_back(m.step());
  while (!steps.back().done && steps.size() < 1000);
  REQUIRE(steps.back().done);
  // 3 LSTM epochs (early stopping may cut them) + 2 transformer epochs + combine.
  CHECK(steps.size() >= 3);
  CHECK(steps.size() <= 6);
  for (std::size_t i = 0; i < steps.size(); ++i) CHECK(steps[i].step == static_cast<int>(i + 1));
  CHECK(steps.back().total == steps.back().step);
  CHECK(steps.back().val_loss > 0);
}

TEST_CASE("ensemble rejects bad parameters naming them", "[ensemble][params]") {
  auto d = planted_row(200, 50, 1);
  ensemble_model m;
  CHECK_THROWS_WITH(m.start(d, {{"mode", 2}}, 1), Catch::Contains("mode"));
  CHECK_THROWS_WITH(m.start(d, {{"colour", 1}}, 1), Catch::Contains("colour"));
  CHECK_THROWS_WITH(m.start(d, {{"nosuch.x", 1}}, 1), Catch::Contains("nosuch"));
  CHECK_THROWS_WITH(m.start(d, {{"use_lstm", 1}, {"use_logistic", 0}, {"use_xgboost", 0},
                                {"lstm.hidden", 0}},
                            1),
                    Catch::Contains("lstm") && Catch::Contains("hidden"));
  CHECK_THROWS_WITH(m.start(d, {{"use_logistic", 0}, {"use_xgboost", 0}}, 1),
                    Catch::Contains("no members"));
  CHECK_THROWS_WITH(m.start(d, {{"lstm.hidden", 8}}, 1), Catch::Contains("use_lstm"));
  const auto p = m.params();
  CHECK(p.count("mode") == 1);
  CHECK(p.count("weight_by") == 1);
  CHECK(p.count("use_lstm") == 1);
}

TEST_CASE("ensemble stays near 0.5 on a random walk and is deterministic",
          "[ensemble][honest][determinism]") {
  // 1000 held-out labels: 0.5 +- 0.06 is ~3.8 sd of a no-skill accuracy.
  auto d = test::random_walk(2000, 1000, 23);
  const param_map p = {{"use_logistic", 0}, {"use_xgboost", 0}, {"use_lstm", 1},
                       {"lstm.hidden", 8},  {"lstm.seq_len", 5}, {"weight_by", 1}};
  ensemble_model a, b;
  test::fit_all(a, d, p, 4);
  test::fit_all(b, d, p, 4);
  const Eigen::VectorXd pa = a.predict_proba(d.x_val);
  CHECK(pa == b.predict_proba(d.x_val));
  const double acc = test::accuracy(pa, d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.44);
  CHECK(acc < 0.56);
}

TEST_CASE("ensemble saved and loaded predicts bit-identically in both modes", "[ensemble][save]") {
  auto d = test::planted_sequence(300, 100, 3, 8);
  const param_map small = {{"use_logistic", 1},       {"use_xgboost", 0},
                           {"use_lstm", 1},           {"use_transformer", 1},
                           {"lstm.hidden", 4},        {"lstm.seq_len", 4},
                           {"lstm.max_epochs", 2},    {"transformer.d_model", 4},
                           {"transformer.heads", 2},  {"transformer.seq_len", 3},
                           {"transformer.max_epochs", 2}};
  for (double mode : {0.0, 1.0}) {
    param_map p = small;
    p["mode"] = mode;
    // xgboost's state is binary: it checks that member bytes pass through untouched.
    p["use_xgboost"] = registered("xgboost") ? 1 : 0;
    ensemble_model a;
    CHECK(a.save().empty());  // nothing fitted yet
    test::fit_all(a, d, p, 6);
    const std::string state = a.save();
    REQUIRE_FALSE(state.empty());
    auto b = make_model("ensemble");
    b->load(state);
    const auto& e = dynamic_cast<const ensemble_model&>(*b);
    INFO("mode " << mode);
    CHECK(b->predict_proba(d.x_val) == a.predict_proba(d.x_val));
    CHECK(e.members() == a.members());
    CHECK(e.weights() == a.weights());
    CHECK(b->params() == a.params());
    CHECK(b->importance() == a.importance());
    CHECK(b->save() == state);
  }
}

TEST_CASE("ensemble refuses a truncated or corrupted state naming the member at fault",
          "[ensemble][save]") {
  auto d = test::planted_sequence(200, 50, 3, 9);
  ensemble_model a;
  test::fit_all(a, d, {{"use_xgboost", 0}, {"use_lstm", 1}, {"lstm.hidden", 4},
                       {"lstm.seq_len", 4}, {"lstm.max_epochs", 1}}, 2);
  const std::string state = a.save();
  REQUIRE(state.size() > 100);
  ensemble_model b;
  CHECK_THROWS_WITH(b.load(state.substr(0, state.size() / 2)),
                    Catch::Contains("ensemble: cannot load state") && Catch::Contains("truncated"));
  for (std::size_t cut = 0; cut < state.size(); cut += 1 + state.size() / 97)
    CHECK_THROWS_AS(b.load(state.substr(0, cut)), std::invalid_argument);

  // Damage inside the lstm member, outer checksum made consistent again.
  std::string body = state.substr(0, state.rfind("checksum "));
  const std::size_t member = body.find("member lstm ");
  REQUIRE(member != std::string::npos);
  const std::size_t digit = body.find_first_of("123456789", body.find("tensors", member));
  REQUIRE(digit != std::string::npos);
  body[digit] = body[digit] == '9' ? '8' : '9';
  CHECK_THROWS_WITH(b.load(nn::seal_state(body)),
                    Catch::Contains("member 'lstm'") && Catch::Contains("checksum mismatch"));

  // A member size running past the end is refused, not read out of bounds.
  body = state.substr(0, state.rfind("checksum "));
  const std::size_t size_at = member + std::string("member lstm ").size();
  body.replace(size_at, body.find('\n', size_at) - size_at, "999999999");
  CHECK_THROWS_WITH(b.load(nn::seal_state(body)), Catch::Contains("bad size of member 'lstm'"));

  CHECK_THROWS_WITH(b.load("garbage"), Catch::Contains("not a mlt-ensemble state"));
  CHECK_THROWS_AS(b.predict_proba(d.x_val), std::logic_error);
}

TEST_CASE("ensemble members early-stop on the first share of the validation rows, the combiner on the rest",
          "[ensemble][rows]") {
  const auto d = planted_row(800, 200, 21);
  const auto share = ensemble_model::validation_shares(200, 3);
  REQUIRE(share.first_end == 100);
  REQUIRE(share.second_begin == 103);  // an embargo of 3 rows between the two uses

  // A lone XGBoost member early-stops on validation rows: labels of the
  // combiner's rows must not change it.
  const param_map lone = {{"use_logistic", 0}, {"use_xgboost", 1}};
  auto fit = [&](fit_data data, const param_map& p) {
    data.embargo = 3;
    auto m = std::make_unique<ensemble_model>();
    test::fit_all(*m, data, p, 9);
    return m;
  };
  auto flip = [](fit_data data, Eigen::Index from, Eigen::Index to) {
    for (Eigen::Index i = from; i < to; ++i) data.y_val(i) = 1.0 - data.y_val(i);
    return data;
  };
  const auto base = fit(d, lone)->predict_proba(d.x_val);
  const auto combiner_flipped = fit(flip(d, 103, 200), lone)->predict_proba(d.x_val);
  CHECK((base - combiner_flipped).cwiseAbs().maxCoeff() == 0.0);
  // The early-stopping rows do reach the member (so the test above could fail).
  const auto stop_flipped = fit(flip(d, 0, 100), lone)->predict_proba(d.x_val);
  CHECK((base - stop_flipped).cwiseAbs().maxCoeff() > 0.0);

  // A stacker is fitted on the combiner rows only: the embargoed rows and the
  // members' rows leave it alone as long as the member does not use them.
  const param_map stack = {{"mode", 1}, {"use_logistic", 1}, {"use_xgboost", 0}};
  const auto s_base = fit(d, stack)->predict_proba(d.x_val);
  const auto s_gap = fit(flip(d, 100, 103), stack)->predict_proba(d.x_val);
  CHECK((s_base - s_gap).cwiseAbs().maxCoeff() == 0.0);
  const auto s_comb = fit(flip(d, 103, 200), stack)->predict_proba(d.x_val);
  CHECK((s_base - s_comb).cwiseAbs().maxCoeff() > 0.0);
}
