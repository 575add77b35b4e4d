// The agent of one conversation on CAF's deterministic scheduler: a chat line
// becomes a stored proposal, an approval becomes a stored trial started on a
// scripted engine, and the engine's three questions get decisions the
// engine's own check accepts. The test's actor speaks for the person and,
// later, asks the questions as the engine would.

#define CAF_SUITE actors.agent

#include "tests/actors/dsl_fixture.hpp"

#include "actors/fwd.hpp"
#include "messages/negotiation_checks.hpp"

using namespace mlt;
using namespace mlt::test;

namespace {

// Starts every trial at once (queue position 0) and does nothing else.
actors::engine_actor::behavior_type scripted_engine(actors::engine_actor::pointer) {
  return {
      [](msg::start_trial&) { return std::int32_t{0}; },
      [](msg::resume_trial&) { return std::int32_t{0}; },
      [](msg::cancel_trial&) { return false; },
      [](msg::optimize_step&) {},
      [](msg::data_progress_msg&) {},
      [](msg::trial_failed&) {},
      [](msg::trainer_moved&) {},
  };
}

struct agent_fixture : dsl_fixture {
  actors::engine_actor engine = sys.spawn(scripted_engine);
  actors::agent_actor agent;

  agent_fixture() {
    actors::agent_config cfg;
    cfg.engine = engine;
    cfg.store = store;
    cfg.data_dir = MLT_TEST_DATA_DIR;
    agent = actors::spawn_agent(sys, cfg, caf::actor{}, actors::thread_mode::scheduled);
    run();  // every actor starts; nothing is sent yet
  }

  // The person's chat line, and the agent's proposal once the store has it.
  msg::agent_turn propose(const std::string& text) {
    self->send(agent, msg::user_chat{1, text});
    expect((msg::user_chat), from(self).to(agent).with(_));
    expect((msg::save_proposal), from(agent).to(store).with(_));
    expect((std::int64_t), from(store).to(agent).with(_));
    return turn();
  }

  // The agent's answer to the person, taken out of the test actor's mailbox.
  msg::agent_turn turn() {
    auto t = next<msg::agent_turn>(self);
    expect((msg::agent_turn), from(agent).to(self).with(_));
    return t;
  }

  // A question asked as the engine asks it; the agent's decision.
  template <class Question>
  msg::decision ask(const Question& q) {
    self->send(agent, q);
    expect((Question), from(self).to(agent).with(_));
    auto d = next<msg::decision>(self);
    expect((msg::decision), from(agent).to(self).with(_));
    return d;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(agent_conversation_tests, agent_fixture)

CAF_TEST(run trial on SPY is proposed approved started and its three questions are answered validly) {
  auto proposal = propose("Run trial on SPY");
  CAF_CHECK_EQUAL(proposal.kind, msg::agent_turn::proposal);
  CAF_CHECK_EQUAL(proposal.proposal_id, 1);
  CAF_CHECK_EQUAL(proposal.plan.symbol, "SPY");
  CAF_CHECK(proposal.text.find("Here is my plan:") == 0);
  CAF_CHECK(proposal.text.find("Approve with \"yes\"") != std::string::npos);
  CAF_REQUIRE_EQUAL(stored->proposals.size(), 1u);
  CAF_CHECK_EQUAL(stored->proposals[0].plan.symbol, "SPY");
  CAF_CHECK_EQUAL(stored->proposals[0].text, proposal.text);
  CAF_CHECK(msg::check_plan(proposal.plan).empty());

  // Approval: the store creates the trial, the person hears first, then the
  // engine is asked to start it with this agent answering its questions.
  self->send(agent, msg::user_approve{1, proposal.proposal_id});
  expect((msg::user_approve), from(self).to(agent).with(_));
  auto created = next<msg::create_trial>(store);
  CAF_CHECK_EQUAL(created.proposal_id, 1);
  CAF_CHECK_EQUAL(created.plan.symbol, "SPY");
  CAF_CHECK_EQUAL(created.origin, "chat");
  expect((msg::create_trial), from(agent).to(store).with(_));
  expect((std::int64_t), from(store).to(agent).with(1));
  auto approved = turn();
  CAF_CHECK_EQUAL(approved.kind, msg::agent_turn::reply);
  CAF_CHECK_EQUAL(approved.trial_id, 1);
  CAF_CHECK(approved.text.find("Approved proposal 1. Trial 1 is starting") == 0);

  auto start = next<msg::start_trial>(engine);
  CAF_CHECK_EQUAL(start.trial_id, 1);
  CAF_CHECK_EQUAL(start.plan.symbol, "SPY");
  CAF_CHECK_EQUAL(start.plan.model, proposal.plan.model);
  CAF_CHECK_EQUAL(start.plan.train_ratio, proposal.plan.train_ratio);
  CAF_CHECK(start.agent == caf::actor_cast<caf::actor>(agent));
  CAF_CHECK(!start.observer);
  expect((msg::start_trial), from(agent).to(engine).with(_));
  expect((std::int32_t), from(engine).to(agent).with(0));

  // 1. Volatility: a high regime.
  msg::volatility_report vq;
  vq.trial_id = 1;
  vq.symbol = "SPY";
  vq.vol_annual = 0.5;
  vq.vol_recent = 0.6;
  vq.regime = "high";
  vq.bars = 5241;
  vq.plan = start.plan;
  auto vd = ask(vq);
  CAF_CHECK_EQUAL(vd.action, msg::action::set_train_ratio);
  CAF_CHECK_EQUAL(msg::check_decision(vd, {msg::question::volatility, start.plan.model, false}), "");

  // 2. Progress: validation loss still falling.
  msg::progress_report pq;
  pq.trial_id = 1;
  pq.model = start.plan.model;
  pq.step = 20;
  pq.total = 100;
  pq.train_loss = 0.684;
  pq.val_loss = 0.689;
  pq.val_metric = 0.53;
  pq.val_loss_history = {0.693};
  auto pd = ask(pq);
  CAF_CHECK_EQUAL(pd.action, msg::action::continue_trial);
  CAF_CHECK_EQUAL(msg::check_decision(pd, {msg::question::progress, pq.model}), "");

  // 3. Results: a validation edge too small to trust.
  msg::initial_results rq;
  rq.trial_id = 1;
  rq.model = start.plan.model;
  rq.attempt = 1;
  rq.train.n = 3600;
  rq.train.accuracy = 0.56;
  rq.val.n = 780;
  rq.val.accuracy = 0.51;
  rq.val.base_rate = 0.53;
  rq.budget_left = 6;
  rq.tried_models = {start.plan.model};
  auto rd = ask(rq);
  CAF_CHECK_NOT_EQUAL(rd.action, msg::action::continue_trial);
  CAF_CHECK_EQUAL(msg::check_decision(rd, {msg::question::results, rq.model, false, rq.budget_left}), "");
  CAF_CHECK_EQUAL(rd.brain, "rules");

  // The summary of the finished trial gets the report.
  msg::trial_summary s;
  s.trial_id = 1;
  s.plan = start.plan;
  s.symbol = "SPY";
  s.model = start.plan.model;
  s.bars = 5241;
  s.test.n = 780;
  s.test.accuracy = 0.52;
  self->send(agent, s);
  expect((msg::trial_summary), from(self).to(agent).with(_));
  auto report = next<msg::final_report>(self);
  expect((msg::final_report), from(agent).to(self).with(_));
  CAF_CHECK(!report.answer.empty());
  CAF_CHECK_EQUAL(report.brain, "rules");
}

CAF_TEST(an approval without a proposal is refused and nothing is started) {
  self->send(agent, msg::user_approve{1, 0});
  expect((msg::user_approve), from(self).to(agent).with(_));
  auto refused = turn();
  CAF_CHECK_EQUAL(refused.kind, msg::agent_turn::error);
  CAF_CHECK_EQUAL(refused.error_code, "no_proposal");
  disallow((msg::create_trial), from(agent).to(store));
  disallow((msg::start_trial), from(agent).to(engine));
  CAF_CHECK(stored->created.empty());
}

CAF_TEST(an unknown symbol gets an error naming it and no proposal) {
  self->send(agent, msg::user_chat{1, "Run trial on ZZZQX"});
  expect((msg::user_chat), from(self).to(agent).with(_));
  auto t = turn();
  CAF_CHECK_EQUAL(t.kind, msg::agent_turn::error);
  CAF_CHECK(t.text.find("ZZZQX") != std::string::npos);
  CAF_CHECK(stored->proposals.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
