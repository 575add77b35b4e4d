// Every model can be optimised and reports how many numbers it learned.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include "ml/models/optimize.hpp"
#include "tests/ml/models/planted_data.hpp"

using namespace mlt;

using mlt::test::planted_rows;

namespace {

// Every corner of a search space: each numeric dimension at lo and at hi,
// each categorical dimension at every choice.
std::vector<ml::param_map> corners(const std::vector<ml::search_dim>& space) {
  std::vector<ml::param_map> out = {{}};
  for (const auto& d : space) {
    std::vector<ml::param_map> values;
    if (!d.choices.empty())
      for (const auto& c : d.choices) values.push_back(c.params);
    else
      values = {{{d.name, d.lo}}, {{d.name, d.hi}}};
    std::vector<ml::param_map> next;
    for (const auto& base : out)
      for (const auto& v : values) {
        auto p = base;
        for (const auto& [k, x] : v) p[k] = x;
        next.push_back(p);
      }
    out = std::move(next);
  }
  return out;
}

}  // namespace

TEST_CASE("every model but the majority baseline has a search space, and every corner of it starts") {
  const auto data = test::planted_linear(200, 80, 7);
  std::set<std::string> tunable;
  for (const auto& name : ml::model_names()) {
    INFO(name);
    const auto space = ml::make_model(name)->search_space();
    CHECK(ml::can_optimize(name) == !space.empty());
    if (name == "majority") {
      CHECK(space.empty());
      continue;
    }
    REQUIRE(!space.empty());
    tunable.insert(name);
    const auto all = corners(space);
    CHECK(all.size() >= 2);
    for (const auto& p : all) {
      auto m = ml::make_model(name);
      std::string shown;
      for (const auto& [k, v] : p) shown += k + "=" + std::to_string(v) + " ";
      INFO(shown);
      CHECK_NOTHROW(m->start(data, p, 3));
    }
  }
  CHECK(tunable == std::set<std::string>{"logistic", "xgboost", "lstm", "transformer", "ensemble"});
}

TEST_CASE("the search spaces cover what a quant tunes in each model, most important first") {
  const auto names = [](const std::string& model) {
    std::vector<std::string> out;
    for (const auto& d : ml::make_model(model)->search_space()) out.push_back(d.name);
    return out;
  };
  // A small budget searches only the first: the learning rate, then size, window, dropout, depth.
  CHECK(names("lstm") == std::vector<std::string>{"learning_rate", "hidden", "seq_len", "dropout", "layers"});
  CHECK(names("transformer") ==
        std::vector<std::string>{"learning_rate", "d_model", "heads", "seq_len", "dropout", "layers"});
  CHECK(names("ensemble") == std::vector<std::string>{"members", "weighting"});
  const auto lstm = ml::make_model("lstm")->search_space();
  CHECK((lstm.front().log_scale && lstm.front().lo == 1e-4 && lstm.front().hi == 1e-2));
  CHECK((lstm[2].lo == 5 && lstm[2].hi == 60 && lstm.back().hi == 2));
  CHECK(ml::make_model("transformer")->search_space().back().hi == 3);
  // heads must divide d_model: every pair the space offers does.
  for (const auto& d : ml::make_model("transformer")->search_space())
    if (d.name == "d_model")
      for (const auto& c : d.choices) CHECK(static_cast<int>(c.params.at("d_model")) % 4 == 0);
}

TEST_CASE("a net's evaluation is bounded during a search and the final fit is not") {
  const auto lstm = ml::bound_evaluation("lstm", {{"max_epochs", 50}}, 5, true);
  CHECK(lstm.caps.at("max_epochs") == ml::net_search_epochs);
  CHECK(lstm.caps.at("patience") == ml::net_search_patience);
  CHECK(lstm.folds == ml::net_search_folds);
  CHECK(lstm.text.find("at most 5 epochs") != std::string::npos);
  CHECK(lstm.text.find("final fit uses the full max_epochs") != std::string::npos);
  // A smaller setting than the cap is kept.
  CHECK(ml::bound_evaluation("transformer", {{"max_epochs", 2}}, 5, true).caps.at("max_epochs") == 2);
  // An ensemble caps only the nets it uses, under their member prefix.
  const auto ens = ml::bound_evaluation("ensemble", {{"use_lstm", 1}, {"use_transformer", 0}}, 5, true);
  CHECK(ens.caps.count("lstm.max_epochs") == 1);
  CHECK(ens.caps.count("transformer.max_epochs") == 0);
  // Models without nets are not bounded.
  const auto xgb = ml::bound_evaluation("xgboost", {}, 5, false);
  CHECK(xgb.caps.empty());
  CHECK(xgb.folds == 5);
  CHECK(xgb.text.empty());
}

TEST_CASE("an LSTM search with a small budget searches its first dimension on bounded fits and says so") {
  const auto rows = planted_rows(360, 81);
  ml::optimize_spec spec;
  spec.model = "lstm";
  spec.fixed = {{"hidden", 8}, {"seq_len", 5}};
  spec.max_evals = 2;  // searches max(1, 2 / evals_per_dim) = 1 dimension
  spec.max_seconds = 600;
  const auto r = ml::optimize(rows, spec);
  REQUIRE(r.tried.size() == 2);
  CHECK(r.searched == std::vector<std::string>{"learning_rate"});
  CHECK(r.folds == ml::net_search_folds);
  CHECK(r.tried[0].cv.folds.size() == static_cast<std::size_t>(ml::net_search_folds));
  CHECK(r.tried[0].params.at("learning_rate") != r.tried[1].params.at("learning_rate"));
  // The caps bound the search only: the chosen configuration does not carry them.
  CHECK(r.best_params.count("max_epochs") == 0);
  CHECK(r.best_params.at("hidden") == 8);
  INFO(r.summary);
  CHECK(r.summary.find("Searched learning_rate (1 of 5 dimensions") != std::string::npos);
  CHECK(r.summary.find("at most 5 epochs") != std::string::npos);
  CHECK(r.summary.find("Ran 2 of 2 configurations") != std::string::npos);
}

TEST_CASE("a Transformer search picks d_model and heads from their choices, always a valid pair") {
  const auto rows = planted_rows(300, 84);
  ml::optimize_spec spec;
  spec.model = "transformer";
  spec.fixed = {{"seq_len", 4}, {"ff", 16}};
  spec.max_evals = 6;  // learning_rate, d_model, heads
  const auto r = ml::optimize(rows, spec);
  REQUIRE(r.tried.size() == 6);
  CHECK(r.searched == std::vector<std::string>{"learning_rate", "d_model", "heads"});
  std::set<double> d_models, heads;
  for (const auto& t : r.tried) {
    const double d = t.params.at("d_model"), h = t.params.at("heads");
    CHECK((d == 16 || d == 32 || d == 64));
    CHECK((h == 1 || h == 2 || h == 4));
    CHECK(static_cast<int>(d) % static_cast<int>(h) == 0);
    CHECK(std::isfinite(t.score));
    d_models.insert(d);
    heads.insert(h);
  }
  CHECK(d_models.size() + heads.size() >= 3);  // the search moved in at least one of them
}

TEST_CASE("categorical dimensions set whole groups of parameters") {
  const auto rows = planted_rows(400, 82);
  ml::optimize_spec spec;
  spec.model = "ensemble";
  for (const auto& d : ml::make_model("ensemble")->search_space())
    if (d.name == "weighting") spec.space = {d};
  spec.fixed = {{"xgboost.n_rounds", 20}};
  spec.max_evals = 4;
  spec.cv.folds = 2;
  const auto r = ml::optimize(rows, spec);
  REQUIRE(r.tried.size() == 4);
  std::set<std::pair<double, double>> seen;
  for (const auto& t : r.tried) {
    const double mode = t.params.at("mode"), by = t.params.at("weight_by");
    CHECK((mode == 0 || (mode == 1 && by == 0)));
    seen.insert({mode, by});
  }
  CHECK(seen.size() >= 2);
  CHECK(r.folds == 2);  // no net among the members: folds as asked
}

TEST_CASE("a search stopped by the wall-clock limit says so") {
  const auto rows = planted_rows(300, 83);
  ml::optimize_spec spec;
  spec.model = "logistic";
  spec.max_evals = 6;
  spec.max_seconds = 0.05;
  spec.cv.folds = 2;
  const auto r = ml::optimize(rows, spec, [](const ml::tried_config&, const ml::tried_config&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    return true;
  });
  // The limit is checked before each round: the first round's evaluations all ran.
  REQUIRE(ml::evals_per_round == 3);
  CHECK(r.tried.size() == 3);
  CHECK(r.stop_reason == "time budget");
  INFO(r.summary);
  CHECK(r.summary.find("Stopped by the 0.05 s limit after 3 of 6 configurations") != std::string::npos);
}

TEST_CASE("every model reports how many numbers it learned") {
  const auto data = test::planted_linear(300, 100, 9);
  std::map<std::string, std::int64_t> counts;
  for (const auto& name : ml::model_names()) {
    INFO(name);
    auto m = ml::make_model(name);
    CHECK(m->parameter_count() == 0);  // nothing learned before start()
    ml::param_map p;
    if (name == "lstm" || name == "transformer") p = {{"max_epochs", 1}};
    if (name == "ensemble") p = {{"xgboost.n_rounds", 10}};
    test::fit_all(*m, data, p, 5);
    counts[name] = m->parameter_count();
    CHECK(counts[name] > 0);
    // A saved and loaded model has the same count.
    auto copy = ml::make_model(name);
    copy->load(m->save());
    CHECK(copy->parameter_count() == counts[name]);
  }
  CHECK(counts["majority"] == 1);
  CHECK(counts["logistic"] == data.x_train.cols() + 1);
  // The default ensemble: logistic's numbers, xgboost's nodes and one weight each.
  CHECK(counts["ensemble"] > counts["logistic"] + 2);
  // A wider net learns more numbers.
  auto wide = ml::make_model("lstm");
  test::fit_all(*wide, data, {{"max_epochs", 1}, {"hidden", 64}}, 5);
  CHECK(wide->parameter_count() > counts["lstm"]);
}
