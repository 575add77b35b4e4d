// The engine drives one trial against scripted partners on CAF's
// deterministic scheduler: every message is let through by the test, so each
// question the engine asks and each answer it applies is checked where it
// happens, without sleeps or a daemon.

#define CAF_SUITE actors.engine

#include "tests/actors/dsl_fixture.hpp"
#include "tests/actors/engine/scripted_work.hpp"

#include "actors/brain/thresholds.hpp"
#include "messages/negotiation_checks.hpp"

using namespace mlt;
using namespace mlt::test;

namespace {

msg::trial_plan spy_plan() {
  msg::trial_plan p;
  p.symbol = "SPY";
  p.model = "xgboost";
  p.data_source = "csv";
  p.wf_folds = 1;
  return p;
}

struct engine_fixture : dsl_fixture {
  std::shared_ptr<trainer_script> trained = default_trainer_script();
  std::shared_ptr<agent_script> answers = std::make_shared<agent_script>();
  trainer_actor trainer = sys.spawn(scripted_trainer, trained);
  data_loader_actor loader = sys.spawn(scripted_loader);
  paper_trader_actor paper = sys.spawn(scripted_paper);
  caf::actor agent = sys.spawn(scripted_agent, answers);
  engine_actor engine;
  std::size_t bars = spy_bars().bars.size();

  engine_fixture() {
    actors::engine_config cfg;
    cfg.max_concurrent = 1;
    cfg.store = store_handle();
    cfg.loader = loader;
    cfg.paper = paper;
    cfg.make_trainer = [t = trainer](caf::actor_system&) { return t; };
    engine = actors::spawn_engine(sys, cfg);
    run();  // every actor starts; nothing is sent yet
  }

  // The engine starts trial 1 (from the test's own actor) and answers its
  // queue position; then the loader serves the bars and the trainer
  // prepares them, which leaves the volatility question in the agent's mailbox.
  void start_and_prepare(const msg::trial_plan& plan) {
    self->send(engine, msg::start_trial{msg::trial_id{1}, plan, agent, caf::actor{}});
    expect((msg::start_trial), from(self).to(engine).with(_));
    expect((std::int32_t), from(engine).to(self).with(0));
    expect((msg::load_bars_request), from(engine).to(loader).with(_));
    expect((ml::bar_series), from(loader).to(engine).with(_));
    trainer_answers<msg::prepare_request, msg::prepared>();
  }

  template <class Request, class Answer>
  void trainer_answers() {
    expect((Request), from(engine).to(trainer).with(_));
    expect((Answer), from(trainer).to(engine).with(_));
  }

  void fit_rounds(int n) {
    for (int i = 0; i < n; ++i) trainer_answers<msg::fit_step_request, msg::fit_progress>();
  }

  template <class Question>
  void agent_answers() {
    expect((Question), from(engine).to(agent).with(_));
    expect((msg::decision), from(agent).to(engine).with(_));
  }

  // A started fit, its first two rounds and the progress question they raise.
  msg::progress_report fit_to_checkpoint() {
    trainer_answers<msg::fit_request, msg::fit_started>();
    fit_rounds(2);
    return next<msg::progress_report>(agent);
  }

  // The last round, the kept state and the validation numbers: the results question.
  msg::initial_results finish_fit() {
    fit_rounds(1);
    trainer_answers<msg::fit_stop_request, msg::fit_kept>();
    trainer_answers<msg::evaluate_request, msg::evaluation>();
    return next<msg::initial_results>(agent);
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(engine_trial_tests, engine_fixture)

CAF_TEST(a trial stepped message by message asks three questions applies each answer and asks for the report) {
  start_and_prepare(spy_plan());
  auto lines = new_lines();
  CAF_REQUIRE_EQUAL(stored->statuses.size(), 1u);
  CAF_CHECK(stored->statuses[0].status == msg::trial_status::running);
  CAF_CHECK(find_line(lines, msg::event_kind::status, "Trial 1 started: SPY with xgboost, train_ratio 0.70") !=
            nullptr);
  CAF_CHECK(find_line(lines, msg::event_kind::progress, "Loaded " + std::to_string(bars) + " ") != nullptr);

  // 1. Volatility, measured on the rows that train under any split.
  auto vq = next<msg::volatility_report>(agent);
  CAF_CHECK(vq.trial_id == mlt::msg::trial_id{1});
  CAF_CHECK_EQUAL(vq.symbol, "SPY");
  CAF_CHECK_EQUAL(vq.vol_annual, 0.19);
  CAF_CHECK_EQUAL(vq.vol_recent, 0.14);
  CAF_CHECK_EQUAL(vq.regime, "normal");
  CAF_CHECK_EQUAL(vq.bars, static_cast<std::int64_t>(bars));
  CAF_CHECK_EQUAL(vq.window_first_date, "1999-12-01");
  CAF_CHECK_EQUAL(vq.window_last_date, "2010-06-30");
  CAF_CHECK_EQUAL(vq.recent_first_date, "2010-03-31");
  CAF_CHECK_EQUAL(vq.plan.train_ratio, 0.7);
  auto asked = find_line(lines, msg::event_kind::question, "Volatility is normal");
  CAF_REQUIRE(asked != nullptr);
  CAF_CHECK(asked->speaker == msg::event_speaker::engine);
  CAF_CHECK_EQUAL(data_text(*asked, "question"), "volatility");

  answers->volatility = answer(msg::action::set_train_ratio, "more history", {{"train_ratio", 0.8}});
  agent_answers<msg::volatility_report>();
  // The new ratio is in the plan of the fit, with validation shrunk to fit.
  auto fit1 = next<msg::fit_request>(trainer);
  CAF_CHECK_EQUAL(fit1.model, "xgboost");
  CAF_CHECK_EQUAL(fit1.train_ratio, 0.8);
  CAF_CHECK_EQUAL(fit1.val_ratio, 0.1);
  lines = new_lines();
  auto decided =
      find_line(lines, msg::event_kind::decision, "ACTION set_train_ratio (train_ratio=0.8) — REASON more history");
  CAF_REQUIRE(decided != nullptr);
  CAF_CHECK(decided->speaker == msg::event_speaker::mltrainer);
  CAF_CHECK_EQUAL(data_text(*decided, "brain"), "scripted");
  CAF_REQUIRE(!stored->checkpoints.empty());
  CAF_CHECK_EQUAL(stored->checkpoints.back().train_ratio, 0.8);
  CAF_CHECK_EQUAL(stored->checkpoints.back().answers.size(), 1u);

  // 2. Progress at the second measured round, with the history before it.
  auto pq = fit_to_checkpoint();
  CAF_CHECK_EQUAL(pq.model, "xgboost");
  CAF_CHECK_EQUAL(pq.step, 2);
  CAF_CHECK_EQUAL(pq.total, 3);
  CAF_CHECK_EQUAL(pq.train_loss, 0.684);
  CAF_CHECK_EQUAL(pq.val_loss, 0.691);
  CAF_CHECK_EQUAL(pq.val_metric, 0.53);
  CAF_CHECK_EQUAL(pq.val_loss_history, std::vector<double>{0.693});
  CAF_CHECK_EQUAL(pq.modifications, 0);
  lines = new_lines();
  CAF_CHECK(find_line(lines, msg::event_kind::status, "Fitting xgboost") != nullptr);
  CAF_CHECK(find_line(lines, msg::event_kind::question, "Checkpoint at round 2/3") != nullptr);
  CAF_REQUIRE_EQUAL(stored->configurations.size(), 1u);
  CAF_CHECK_EQUAL(stored->configurations[0].model, "xgboost");

  answers->progress = answer(msg::action::continue_trial, "still improving");
  agent_answers<msg::progress_report>();

  // 3. Results on validation only; the agent switches the model.
  auto rq = finish_fit();
  CAF_CHECK_EQUAL(rq.model, "xgboost");
  CAF_CHECK_EQUAL(rq.attempt, 1);
  CAF_CHECK_EQUAL(rq.val.accuracy, 0.54);
  CAF_CHECK_EQUAL(rq.val.n, 780u);
  CAF_CHECK_EQUAL(rq.train.accuracy, 0.56);
  CAF_CHECK_EQUAL(rq.budget_left, 6);
  CAF_CHECK_EQUAL(rq.tried_models, std::vector<std::string>{"xgboost"});
  CAF_CHECK_EQUAL(rq.val.n, 780u);
  lines = new_lines();
  CAF_CHECK(find_line(lines, msg::event_kind::status, "xgboost finished after round 3; kept the model of round 3") !=
            nullptr);
  CAF_CHECK(find_line(lines, msg::event_kind::question, "Initial results for xgboost") != nullptr);

  answers->results = answer(msg::action::switch_model, "try a linear model", {}, "logistic");
  agent_answers<msg::initial_results>();
  auto fit2 = next<msg::fit_request>(trainer);
  CAF_CHECK_EQUAL(fit2.model, "logistic");
  CAF_CHECK(fit2.params.empty());
  CAF_CHECK_EQUAL(fit2.train_ratio, 0.8);

  // The new model's fit asks the same two questions again.
  CAF_CHECK_EQUAL(fit_to_checkpoint().model, "logistic");
  agent_answers<msg::progress_report>();
  auto rq2 = finish_fit();
  CAF_CHECK_EQUAL(rq2.model, "logistic");
  CAF_CHECK_EQUAL(rq2.attempt, 2);
  CAF_CHECK_EQUAL(rq2.budget_left, 4);
  CAF_CHECK_EQUAL(rq2.tried_models, (std::vector<std::string>{"xgboost", "logistic"}));
  answers->results = answer(msg::action::continue_trial, "good enough");
  agent_answers<msg::initial_results>();

  // 4. The store counts the configurations; the test part, the walk-forward
  // evidence and the paper trades follow; then the agent writes the report.
  new_lines();
  expect((msg::multiple_testing), from(store).to(engine).with(_));
  auto final_eval = next<msg::evaluate_request>(trainer);
  CAF_CHECK(final_eval.include_test);
  CAF_CHECK(final_eval.use_best);
  trainer_answers<msg::evaluate_request, msg::evaluation>();
  trainer_answers<msg::walk_forward_request, msg::walk_forward_started>();
  trainer_answers<msg::walk_forward_step_request, msg::walk_forward_progress>();
  trainer_answers<msg::walk_forward_collect, msg::walk_forward_outcome>();
  expect((msg::paper_request), from(engine).to(paper).with(_));
  expect((msg::paper_outcome), from(paper).to(engine).with(_));
  auto test_trades = next<msg::paper_request>(paper);
  CAF_CHECK_EQUAL(test_trades.bar_index.size(), 39u);
  expect((msg::paper_request), from(engine).to(paper).with(_));
  expect((msg::paper_outcome), from(paper).to(engine).with(_));

  auto summary = next<msg::trial_summary>(agent);
  CAF_CHECK(summary.trial_id == mlt::msg::trial_id{1});
  CAF_CHECK_EQUAL(summary.model, "logistic");
  CAF_CHECK_EQUAL(summary.plan.train_ratio, 0.8);
  CAF_CHECK_EQUAL(summary.decisions, 5);
  CAF_CHECK_EQUAL(summary.configurations_tried, 2);
  CAF_CHECK_EQUAL(summary.models_tried, (std::vector<std::string>{"xgboost", "logistic"}));
  CAF_CHECK_EQUAL(summary.test.accuracy, 0.52);
  CAF_CHECK_EQUAL(summary.bars, static_cast<std::int64_t>(bars));
  CAF_CHECK_EQUAL(summary.predictions.size(), 39u);
  CAF_CHECK_EQUAL(summary.regime, "normal");
  lines = new_lines();
  CAF_CHECK(find_line(lines, msg::event_kind::question, "Trial finished. Please write the report.") != nullptr);
  CAF_CHECK(find_line(lines, msg::event_kind::status, "Paper trading over the test part: return 4.0%") != nullptr);

  expect((msg::trial_summary), from(engine).to(agent).with(_));
  expect((msg::final_report), from(agent).to(engine).with(_));
  expect((msg::save_report), from(engine).to(store).with(_));
  expect((bool), from(store).to(engine).with(true));
  CAF_REQUIRE_EQUAL(stored->reports.size(), 1u);
  CAF_CHECK_EQUAL(stored->reports[0].report.answer, "Scripted report on SPY.");
  lines = new_lines();
  auto report = find_line(lines, msg::event_kind::report);
  CAF_REQUIRE(report != nullptr);
  CAF_CHECK(report->speaker == msg::event_speaker::mltrainer);
  CAF_CHECK_EQUAL(report->text, "Scripted report on SPY.");
  // Every line of the transcript, in order, reached the store.
  for (std::size_t i = 0; i < stored->lines.size(); ++i)
    CAF_CHECK_EQUAL(stored->lines[i].seq, static_cast<std::int64_t>(i + 1));
  CAF_CHECK(answers->failures.empty());
}

CAF_TEST(an invalid answer is replaced by the decision of the rules brain and the note says so) {
  // A high-volatility market: the rules brain would shorten the training part.
  trained->prep.vol_annual = 0.5;
  trained->prep.vol_recent = 0.6;
  start_and_prepare(spy_plan());
  CAF_CHECK_EQUAL(next<msg::volatility_report>(agent).regime, "high");
  answers->volatility = answer(msg::action::set_train_ratio, "all in", {{"train_ratio", 0.95}});
  agent_answers<msg::volatility_report>();

  auto fit = next<msg::fit_request>(trainer);
  CAF_CHECK_EQUAL(fit.train_ratio, brain::thresholds::train_ratio_high);
  const auto lines = new_lines();
  auto decided = find_line(lines, msg::event_kind::decision);
  CAF_REQUIRE(decided != nullptr);
  CAF_CHECK(decided->text.find("ACTION set_train_ratio (train_ratio=0.6)") == 0);
  CAF_CHECK(decided->text.find("[the scripted brain's answer was invalid (") != std::string::npos);
  CAF_CHECK(decided->text.find("); the rules brain decided]") != std::string::npos);
  CAF_CHECK_EQUAL(data_text(*decided, "brain"), "rules");
}

CAF_TEST(an answer that comes too late is replaced by the decision of the rules brain) {
  start_and_prepare(spy_plan());
  // The agent never takes the question; the engine's deadline passes.
  advance_time(std::chrono::milliseconds(10000));
  expect((caf::error), from(_).to(engine).with(_));
  auto fit = next<msg::fit_request>(trainer);
  CAF_CHECK_EQUAL(fit.train_ratio, 0.7);  // normal regime: the rules brain keeps the plan's ratio
  const auto lines = new_lines();
  auto decided = find_line(lines, msg::event_kind::decision);
  CAF_REQUIRE(decided != nullptr);
  CAF_CHECK(decided->text.find("ACTION continue") == 0);
  CAF_CHECK(decided->text.find("[no answer from the agent within 10000 ms; the rules brain decided]") !=
            std::string::npos);
}

CAF_TEST(modify refits with the new parameters and stop ends the fit where it stands) {
  start_and_prepare(spy_plan());
  answers->volatility = answer(msg::action::continue_trial, "normal market");
  agent_answers<msg::volatility_report>();
  fit_to_checkpoint();
  answers->progress = answer(msg::action::modify, "shallower trees", {{"max_depth", 3}});
  agent_answers<msg::progress_report>();
  auto refit = next<msg::fit_request>(trainer);
  CAF_CHECK_EQUAL(refit.model, "xgboost");
  CAF_CHECK_EQUAL(refit.params.at("max_depth"), 3.0);

  auto pq = fit_to_checkpoint();
  CAF_CHECK_EQUAL(pq.modifications, 1);
  CAF_CHECK_EQUAL(pq.val_loss_history, std::vector<double>{0.693});  // the refit's own history
  answers->progress = answer(msg::action::stop, "enough");
  agent_answers<msg::progress_report>();
  auto stop = next<msg::fit_stop_request>(trainer);
  CAF_CHECK(!stop.part_only);
  trainer_answers<msg::fit_stop_request, msg::fit_kept>();
  CAF_CHECK(find_line(new_lines(), msg::event_kind::status, "xgboost stopped at round 2 on the agent's decision") !=
            nullptr);
  CAF_CHECK_EQUAL(stored->configurations.size(), 2u);
}

CAF_TEST(a cancelled trial tells the agent and asks nothing more) {
  start_and_prepare(spy_plan());
  self->send(engine, msg::cancel_trial{msg::trial_id{1}, "changed my mind"});
  expect((msg::cancel_trial), from(self).to(engine).with(_));
  expect((bool), from(engine).to(self).with(true));
  // The question already sent is answered, and the answer is dropped.
  agent_answers<msg::volatility_report>();
  expect((msg::trial_failed), from(_).to(agent).with(_));
  CAF_REQUIRE_EQUAL(answers->failures.size(), 1u);
  CAF_CHECK(answers->failures[0].status == msg::trial_status::cancelled);
  CAF_CHECK_EQUAL(answers->failures[0].message, "changed my mind");
  CAF_CHECK(find_line(new_lines(), msg::event_kind::status, "Trial 1 cancelled: changed my mind.") != nullptr);
  CAF_CHECK(stored->statuses.back().status == msg::trial_status::cancelled);
  disallow((msg::fit_request), from(engine).to(trainer));
}

CAF_TEST_FIXTURE_SCOPE_END()
