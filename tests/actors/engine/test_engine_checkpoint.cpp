// The checkpoint replay: recorded answers come back at the same questions,
// in order; other bars or another question end the replay with a reason.
#include <catch2/catch.hpp>

#include "actors/engine/checkpoint.hpp"
#include "actors/engine/engine_state.hpp"

using namespace mlt;
using actors::checkpoint::question_key;

namespace {

msg::decision answer(const std::string& action, const std::string& model = "") {
  msg::decision d;
  d.action = *msg::parse_action(action);
  d.model = model;
  d.reason = "because";
  return d;
}

// A run that resumes from two answers and one optimiser outcome, on 3 bars.
actors::trial_run resumed_run() {
  actors::trial_run run;
  ml::bar_series bars;
  for (int i = 0; i < 3; ++i) bars.bars.push_back({86400 * (16000 + i), 1, 1, 1, 1, 1});
  run.series = msg::shared_bars{bars};
  auto& c = run.replay.from;
  c.decisions = 3;
  c.configurations = 14;
  c.models_tried = {"xgboost", "xgboost"};
  c.model = "xgboost";
  c.answers.push_back({msg::question::volatility, "", 0, answer("continue")});
  c.answers.push_back({msg::question::progress, "xgboost", 2, answer("continue")});
  c.answers.push_back({msg::question::results, "xgboost", 0, answer("optimize")});
  msg::recorded_optimization o;
  o.model = "xgboost";
  o.budget = 12;
  o.outcome.evaluations = 12;
  o.outcome.best_params["eta"] = 0.02;
  c.optimizations.push_back(o);
  c.bars = 3;
  c.first_date = ml::format_date(run.series->bars.front().time);
  c.last_date = ml::format_date(run.series->bars.back().time);
  return run;
}

}  // namespace

TEST_CASE("a resumed run gets its recorded answers back at the same questions, then none") {
  auto run = resumed_run();
  std::string why;
  CHECK(run.replay.active());
  auto a = actors::checkpoint::take_answer(run, {msg::question::volatility, "", 0}, why);
  REQUIRE(a);
  CHECK(a->action == msg::action::continue_trial);
  CHECK(a->note.empty());  // the note is added when shown, not stored
  CHECK(actors::checkpoint::take_answer(run, {msg::question::progress, "xgboost", 2}, why));
  auto c = actors::checkpoint::take_answer(run, {msg::question::results, "xgboost", 0}, why);
  REQUIRE(c);
  CHECK(c->action == msg::action::optimize);
  CHECK(run.replay.active());  // the optimiser outcome is still to come
  auto o = actors::checkpoint::take_optimization(run, "xgboost", 12, why);
  REQUIRE(o);
  CHECK(o->best_params.at("eta") == Approx(0.02));
  CHECK(!run.replay.active());
  CHECK(!actors::checkpoint::take_answer(run, {msg::question::progress, "xgboost", 2}, why));
  CHECK(why.empty());  // nothing left is not a divergence
  CHECK(actors::checkpoint::replay_note("") == "recorded before the interruption, not asked again");
  CHECK(actors::checkpoint::replay_note("late").find("; then: late") != std::string::npos);
}

TEST_CASE("other bars or another question end the replay and say why") {
  SECTION("other bars") {
    auto run = resumed_run();
    auto more = *run.series;  // the redone load found one bar more
    more.bars.push_back({86400 * 16003, 1, 1, 1, 1, 1});
    run.series = msg::shared_bars{more};
    std::string why;
    CHECK(!actors::checkpoint::take_answer(run, {msg::question::volatility, "", 0}, why));
    CHECK(why.find("not those the recorded decisions were made on") != std::string::npos);
    CHECK(!run.replay.active());
  }
  SECTION("another question") {
    auto run = resumed_run();
    std::string why;
    CHECK(actors::checkpoint::take_answer(run, {msg::question::volatility, "", 0}, why));
    CHECK(!actors::checkpoint::take_answer(run, {msg::question::progress, "xgboost", 4}, why));
    CHECK(why.find("a progress question of xgboost at step 4") != std::string::npos);
    CHECK(why.find("at step 2 (decision 2)") != std::string::npos);
    CHECK(!run.replay.active());
    CHECK(!actors::checkpoint::take_optimization(run, "xgboost", 12, why));
  }
  SECTION("another optimiser budget") {
    auto run = resumed_run();
    run.replay.next_answer = 3;
    std::string why;
    CHECK(!actors::checkpoint::take_optimization(run, "xgboost", 20, why));
    CHECK(why.find("budget of 20") != std::string::npos);
  }
}

TEST_CASE("the resume line says what is kept and what is redone") {
  const auto c = resumed_run().replay.from;
  const auto text = actors::checkpoint::resume_text(c, 8);
  CHECK(text.find("after decision 3 (3 of 8 decisions used, 14 configurations fitted)") != std::string::npos);
  CHECK(text.find("the volatility decision, 1 progress decision and 1 results decision (optimize) are kept") !=
        std::string::npos);
  CHECK(text.find("the optimiser's outcome (12 evaluations) is kept without searching again") != std::string::npos);
  CHECK(text.find("the fits so far (xgboost, then xgboost) are redone from the start") != std::string::npos);
}

TEST_CASE("a checkpoint snapshot holds the counts, the plan as modified, the answers and the bars") {
  auto run = resumed_run();
  run.id = msg::trial_id{7};
  run.decisions = 2;
  run.configurations = 3;
  run.plan.train_ratio = 0.6;
  run.params["eta"] = 0.1;
  actors::checkpoint::record_answer(run, {msg::question::results, "xgboost", 0}, answer("switch_model", "logistic"));
  auto c = actors::checkpoint::snapshot(run);
  CHECK(c.trial_id == mlt::msg::trial_id{7});
  CHECK(c.decisions == 2);
  CHECK(c.configurations == 3);
  CHECK(c.train_ratio == Approx(0.6));
  CHECK(c.params.at("eta") == Approx(0.1));
  REQUIRE(c.answers.size() == 1);
  CHECK(c.answers[0].answer.model == "logistic");
  CHECK(c.bars == 3);
}
