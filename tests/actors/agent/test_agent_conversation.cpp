// The agent of one conversation on CAF's deterministic scheduler: a chat line
// becomes a stored proposal, an approval becomes a stored trial started on a
// scripted engine, and the engine's three questions get decisions the
// engine's own check accepts. The test's actor speaks for the person and,
// later, asks the questions as the engine would.

#define CAF_SUITE actors.agent

#include "tests/actors/dsl_fixture.hpp"

#include "actors/fwd.hpp"
#include "messages/negotiation_checks.hpp"

#include <filesystem>
#include <set>
#include <unistd.h>

using namespace mlt;
using namespace mlt::test;

namespace {

// The engine's three questions as a trial of `plan` asks them: a high
// volatility regime, a validation loss still falling, a validation edge too
// small to trust.
msg::volatility_report high_volatility(msg::trial_id id, const msg::trial_plan& plan) {
  msg::volatility_report q;
  q.trial_id = id;
  q.symbol = plan.symbol;
  q.vol_annual = 0.5;
  q.vol_recent = 0.6;
  q.regime = "high";
  q.bars = 5241;
  q.plan = plan;
  return q;
}

msg::progress_report loss_falling(msg::trial_id id, const std::string& model) {
  msg::progress_report q;
  q.trial_id = id;
  q.model = model;
  q.step = 20;
  q.total = 100;
  q.train_loss = 0.684;
  q.val_loss = 0.689;
  q.val_metric = 0.53;
  q.val_loss_history = {0.693};
  return q;
}

msg::initial_results small_edge(msg::trial_id id, const std::string& model) {
  msg::initial_results q;
  q.trial_id = id;
  q.model = model;
  q.attempt = 1;
  q.train.n = 3600;
  q.train.accuracy = 0.56;
  q.val.n = 780;
  q.val.accuracy = 0.51;
  q.val.base_rate = 0.53;
  q.budget_left = 6;
  q.tried_models = {model};
  return q;
}

struct agent_fixture : dsl_fixture {
  actors::engine_actor engine = sys.spawn(scripted_engine);
  actors::agent_actor agent;

  agent_fixture() {
    actors::agent_config cfg;
    cfg.engine = engine;
    cfg.store = store_handle();
    cfg.data_dir = MLT_TEST_DATA_DIR;
    agent = actors::spawn_agent(sys, cfg, caf::actor{}, actors::thread_mode::scheduled);
    run();  // every actor starts; nothing is sent yet
  }

  // The person's chat line, and the agent's proposal once the store has it.
  msg::agent_turn propose(const std::string& text) {
    self->send(agent, msg::user_chat{1, text});
    expect((msg::user_chat), from(self).to(agent).with(_));
    expect((msg::save_proposal), from(agent).to(store).with(_));
    expect((msg::proposal_id), from(store).to(agent).with(_));
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
  CAF_CHECK_EQUAL(proposal.proposal_id, msg::proposal_id{1});
  CAF_CHECK_EQUAL(proposal.plan.symbol, "SPY");
  CAF_CHECK(proposal.symbols.empty());  // one trial, no universe
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
  CAF_CHECK_EQUAL(created.proposal_id, msg::proposal_id{1});
  CAF_CHECK_EQUAL(created.plan.symbol, "SPY");
  CAF_CHECK_EQUAL(created.origin, "chat");
  expect((msg::create_trial), from(agent).to(store).with(_));
  expect((msg::trial_id), from(store).to(agent).with(msg::trial_id{1}));
  auto approved = turn();
  CAF_CHECK_EQUAL(approved.kind, msg::agent_turn::reply);
  CAF_CHECK(approved.trial_id == mlt::msg::trial_id{1});
  CAF_CHECK(approved.text.find("Approved proposal 1. Trial 1 is starting") == 0);

  auto start = next<msg::start_trial>(engine);
  CAF_CHECK(start.trial_id == mlt::msg::trial_id{1});
  CAF_CHECK_EQUAL(start.plan.symbol, "SPY");
  CAF_CHECK_EQUAL(start.plan.model, proposal.plan.model);
  CAF_CHECK_EQUAL(start.plan.train_ratio, proposal.plan.train_ratio);
  CAF_CHECK(start.agent == caf::actor_cast<caf::actor>(agent));
  CAF_CHECK(!start.observer);
  expect((msg::start_trial), from(agent).to(engine).with(_));
  expect((std::int32_t), from(engine).to(agent).with(0));

  // 1. Volatility: a high regime.
  auto vd = ask(high_volatility(msg::trial_id{1}, start.plan));
  CAF_CHECK_EQUAL(vd.action, msg::action::set_train_ratio);
  CAF_CHECK_EQUAL(msg::check_decision(vd, {msg::question::volatility, start.plan.model, false}), "");

  // 2. Progress: validation loss still falling.
  const auto pq = loss_falling(msg::trial_id{1}, start.plan.model);
  auto pd = ask(pq);
  CAF_CHECK_EQUAL(pd.action, msg::action::continue_trial);
  CAF_CHECK_EQUAL(msg::check_decision(pd, {msg::question::progress, pq.model}), "");

  // 3. Results: a validation edge too small to trust.
  const auto rq = small_edge(msg::trial_id{1}, start.plan.model);
  auto rd = ask(rq);
  CAF_CHECK_NOT_EQUAL(rd.action, msg::action::continue_trial);
  CAF_CHECK_EQUAL(msg::check_decision(rd, {msg::question::results, rq.model, false, rq.budget_left}), "");
  CAF_CHECK_EQUAL(rd.brain, "rules");

  // The summary of the finished trial gets the report.
  msg::trial_summary s;
  s.trial_id = mlt::msg::trial_id{1};
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
  self->send(agent, msg::user_approve{1, {}});
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

// ---- universe trials: one plan fanned out over several symbols.

namespace {

// A data folder with AAPL, NVDA and TSLA files and nothing else: MSFT has
// neither a file nor a Polygon key behind it.
std::string three_symbol_folder() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("mlt_universe_dsl_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* s : {"AAPL", "NVDA", "TSLA"})
    fs::copy_file(fs::path(MLT_TEST_DATA_DIR) / (std::string(s) + "_daily.csv"), dir / (std::string(s) + ".csv"),
                  fs::copy_options::overwrite_existing);
  return dir.string();
}

// The agent of a conversation whose observer is the test itself, so that
// what the agent says unasked (the combined report) arrives here.
struct universe_fixture : agent_fixture {
  std::shared_ptr<std::vector<msg::start_trial>> started = std::make_shared<std::vector<msg::start_trial>>();
  std::shared_ptr<engine_script> script = std::make_shared<engine_script>();
  actors::engine_actor recorder = sys.spawn(recording_engine, started, script);
  std::string folder = three_symbol_folder();

  universe_fixture() {
    actors::agent_config cfg;
    cfg.engine = recorder;
    cfg.store = store_handle();
    cfg.data_dir = folder;
    agent = actors::spawn_agent(sys, cfg, caf::actor_cast<caf::actor>(self), actors::thread_mode::scheduled);
    run();  // it asks the store for proposals left by schedules: none
  }

  // The recorded start_trial messages hold the agent, the agent holds the
  // engine: both are stopped so that the actor system can shut down.
  ~universe_fixture() {
    started->clear();
    caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(recorder, caf::exit_reason::user_shutdown);
    run();
    std::filesystem::remove_all(folder);
  }

  // Approves the open proposal; every arm is recorded and started.
  msg::agent_turn approve_all(msg::proposal_id proposal_id) {
    self->send(agent, msg::user_approve{1, proposal_id});
    run();
    return turn();
  }

  // Whatever the agent said unasked since the last call: (universe reports, other turns).
  std::pair<std::vector<msg::universe_report>, std::vector<msg::agent_turn>> unasked() {
    std::pair<std::vector<msg::universe_report>, std::vector<msg::agent_turn>> out;
    bool more = true;
    while (more)
      self->receive([&](msg::universe_report& r) { out.first.push_back(r); },
                    [&](msg::agent_turn& t) { out.second.push_back(t); },
                    [&](msg::trial_failed&) {},
                    caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
    return out;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(universe_tests, universe_fixture)

CAF_TEST(a three symbol request starts three trials whose questions are answered and one table arrives) {
  auto proposal = propose("Run trial on AAPL, MSFT, NVDA and TSLA with xgboost");
  CAF_CHECK_EQUAL(proposal.kind, msg::agent_turn::proposal);
  CAF_MESSAGE(proposal.text);
  // MSFT has no data here: the agent says so before approval and proposes the rest.
  CAF_CHECK(proposal.text.find("I cannot load MSFT (no MSFT.csv in " + folder + " and no Polygon key)") == 0);
  CAF_CHECK(proposal.text.find("symbols:       AAPL, NVDA, TSLA (3)") != std::string::npos);
  CAF_CHECK(proposal.text.find("3 trials") != std::string::npos);
  CAF_CHECK_EQUAL(proposal.plan.symbol, "AAPL");
  CAF_CHECK_EQUAL(proposal.plan.model, "xgboost");
  CAF_CHECK_EQUAL(proposal.symbols, (std::vector<std::string>{"AAPL", "NVDA", "TSLA"}));

  auto approved = approve_all(proposal.proposal_id);
  CAF_CHECK_EQUAL(approved.kind, msg::agent_turn::reply);
  CAF_CHECK(approved.text.find("Running the same plan once per symbol:") != std::string::npos);
  CAF_REQUIRE_EQUAL(stored->created.size(), 3u);
  CAF_REQUIRE_EQUAL(started->size(), 3u);
  const char* symbols[] = {"AAPL", "NVDA", "TSLA"};
  for (std::size_t i = 0; i < 3; ++i) {
    CAF_CHECK_EQUAL((*started)[i].plan.symbol, symbols[i]);
    CAF_CHECK_EQUAL((*started)[i].plan.model, "xgboost");
    CAF_CHECK_EQUAL(stored->created[i].origin, "universe");
    CAF_CHECK((*started)[i].agent == caf::actor_cast<caf::actor>(agent));
  }

  // Every arm's three checkpoint questions reach the agent and get valid answers.
  for (const auto& st : *started) {
    auto vd = ask(high_volatility(st.trial_id, st.plan));
    CAF_CHECK_EQUAL(vd.brain, "rules");
    CAF_CHECK_EQUAL(msg::check_decision(vd, {msg::question::volatility, st.plan.model, false}), "");
    auto pd = ask(loss_falling(st.trial_id, st.plan.model));
    CAF_CHECK_EQUAL(msg::check_decision(pd, {msg::question::progress, st.plan.model}), "");
    const auto rq = small_edge(st.trial_id, st.plan.model);
    auto rd = ask(rq);
    CAF_CHECK_EQUAL(msg::check_decision(rd, {msg::question::results, rq.model, false, rq.budget_left}), "");
    CAF_CHECK_NOT_EQUAL(rd.action, msg::action::switch_model);  // every row runs the approved model
  }

  // AAPL and TSLA finish; NVDA fails mid-way and fails its row only.
  for (std::size_t i : {0u, 2u}) {
    msg::trial_summary s;
    s.trial_id = (*started)[i].trial_id;
    s.plan = (*started)[i].plan;
    s.symbol = symbols[i];
    s.model = "xgboost";
    s.test.n = 110;
    s.test.accuracy = i == 0 ? 0.55 : 0.50;
    s.paper.total_return = 0.04;
    s.buy_hold.total_return = i == 0 ? 0.02 : 0.09;
    self->send(agent, s);
    expect((msg::trial_summary), from(self).to(agent).with(_));
    auto report = next<msg::final_report>(self);
    expect((msg::final_report), from(agent).to(self).with(_));
    CAF_CHECK(!report.answer.empty());
    CAF_CHECK(stored->universe_reports.empty());  // not before every arm has ended
  }
  self->send(agent, msg::trial_failed{(*started)[1].trial_id, msg::trial_status::failed, "data_error", "no bars in range"});
  run();

  auto [reports, turns] = unasked();
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_CHECK(turns.empty());
  CAF_REQUIRE_EQUAL(stored->universe_reports.size(), 1u);
  const auto& r = reports[0];
  CAF_CHECK_EQUAL(r.report_id, 1);
  CAF_CHECK_EQUAL(r.text, stored->universe_reports[0].text);
  CAF_REQUIRE_EQUAL(r.rows.size(), 3u);
  CAF_CHECK_EQUAL(r.rows[0].symbol, "AAPL");
  CAF_CHECK(r.rows[0].finished);
  CAF_CHECK_EQUAL(r.rows[1].symbol, "NVDA");
  CAF_CHECK(!r.rows[1].finished);
  CAF_CHECK_EQUAL(r.rows[1].failure, "failed: no bars in range");
  CAF_REQUIRE_EQUAL(r.pooled.size(), 1u);
  CAF_CHECK_EQUAL(r.pooled[0].symbols, 2);
  CAF_CHECK_EQUAL(r.pooled[0].beat_buy_hold, 1);
  CAF_CHECK(r.text.find("1 of 2 beat buy-and-hold") != std::string::npos);
  // The symbol skipped before approval is named in the answer too.
  CAF_REQUIRE_EQUAL(r.skipped.size(), 1u);
  CAF_CHECK(r.skipped[0].find("MSFT (no MSFT.csv in ") == 0);
  CAF_CHECK(r.text.find("Not run (no data): MSFT") != std::string::npos);
}

CAF_TEST(drop and use xgboost change every arm of a universe proposal) {
  auto first = propose("run trial on AAPL, NVDA and TSLA");
  CAF_CHECK(first.text.find("AAPL, NVDA, TSLA (3)") != std::string::npos);
  auto dropped = propose("drop NVDA");
  CAF_CHECK(dropped.text.find("Updated plan:") == 0);
  CAF_CHECK(dropped.text.find("symbols:       AAPL, TSLA (2)") != std::string::npos);
  auto edited = propose("use logistic");
  CAF_CHECK_EQUAL(edited.plan.model, "logistic");
  CAF_CHECK(edited.text.find("symbols:       AAPL, TSLA (2)") != std::string::npos);

  // Dropping what is not there, or everything, is refused and changes nothing.
  self->send(agent, msg::user_chat{1, "drop MSFT"});
  run();
  auto refused = turn();
  CAF_CHECK_EQUAL(refused.kind, msg::agent_turn::error);
  CAF_CHECK(refused.text.find("MSFT is not in the proposal (AAPL, TSLA)") != std::string::npos);

  approve_all(edited.proposal_id);
  CAF_REQUIRE_EQUAL(started->size(), 2u);
  CAF_CHECK_EQUAL((*started)[0].plan.symbol, "AAPL");
  CAF_CHECK_EQUAL((*started)[1].plan.symbol, "TSLA");
  for (const auto& s : *started) CAF_CHECK_EQUAL(s.plan.model, "logistic");
}

CAF_TEST(compare models on two symbols runs every model on every symbol) {
  auto p = propose("compare xgboost and logistic on AAPL, TSLA");
  CAF_CHECK(p.text.find("Models compared on every symbol: xgboost logistic.") != std::string::npos);
  CAF_CHECK(p.text.find("4 trials") != std::string::npos);
  approve_all(p.proposal_id);
  CAF_REQUIRE_EQUAL(started->size(), 4u);
  CAF_CHECK_EQUAL((*started)[0].plan.symbol, "AAPL");
  CAF_CHECK_EQUAL((*started)[0].plan.model, "xgboost");
  CAF_CHECK_EQUAL((*started)[1].plan.symbol, "AAPL");
  CAF_CHECK_EQUAL((*started)[1].plan.model, "logistic");
  CAF_CHECK_EQUAL((*started)[3].plan.symbol, "TSLA");
  CAF_CHECK_EQUAL((*started)[3].plan.model, "logistic");
}

CAF_TEST(the symbols of a schedule run through the headless agent and the combined report is kept) {
  actors::agent_config cfg;
  cfg.engine = recorder;
  cfg.store = store_handle();
  cfg.data_dir = folder;
  auto headless = actors::spawn_agent(sys, cfg, caf::actor{}, actors::thread_mode::scheduled);
  run();
  msg::trial_plan plan;
  plan.symbol = "AAPL";
  plan.model = "logistic";
  self->send(headless, msg::run_universe{plan, {"AAPL", "MSFT", "TSLA"}, "", "schedule:nightly"});
  run();
  msg::agent_turn t;
  self->receive([&](msg::agent_turn& x) { t = x; });
  CAF_CHECK_EQUAL(t.kind, msg::agent_turn::reply);
  CAF_CHECK(t.text.find("I cannot load MSFT") == 0);
  CAF_CHECK(t.text.find("so I run the rest.") != std::string::npos);
  CAF_CHECK(t.text.find("Approved proposal") == std::string::npos);  // the config file approved it
  CAF_REQUIRE_EQUAL(started->size(), 2u);
  CAF_CHECK_EQUAL(t.trial_id, (*started)[0].trial_id);
  CAF_CHECK_EQUAL((*started)[0].plan.symbol, "AAPL");
  CAF_CHECK_EQUAL((*started)[1].plan.symbol, "TSLA");
  CAF_REQUIRE_EQUAL(stored->created.size(), 2u);
  for (const auto& c : stored->created) CAF_CHECK_EQUAL(c.origin, "schedule:nightly");

  for (const auto& st : *started) {
    msg::trial_summary s;
    s.trial_id = st.trial_id;
    s.plan = st.plan;
    s.symbol = st.plan.symbol;
    s.model = "logistic";
    s.test.n = 110;
    s.test.accuracy = 0.52;
    self->send(headless, s);
    run();
    self->receive([](msg::final_report&) {});
  }
  // Nobody watches: the report is in the store only.
  CAF_REQUIRE_EQUAL(stored->universe_reports.size(), 1u);
  CAF_CHECK_EQUAL(stored->universe_reports[0].rows.size(), 2u);
  CAF_CHECK(unasked().first.empty());
  caf::anon_send_exit(headless, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(a long universe is handed to the engine a window at a time and a waiting arm cancels cleanly) {
  // Two models on the Dow 30: 60 trials, 30 handed over at once.
  auto p = propose("compare xgboost and logistic on the Dow 30 with synthetic data");
  CAF_CHECK(p.text.find("60 trials") != std::string::npos);
  approve_all(p.proposal_id);
  CAF_REQUIRE_EQUAL(stored->created.size(), 60u);
  CAF_REQUIRE_EQUAL(started->size(), 30u);
  const auto last = stored->last_trial;  // waiting, never started

  self->send(agent, msg::user_chat{1, "cancel trial " + std::to_string(last)});
  run();
  // The person hears of the cancelled trial (trial_failed) and gets the reply.
  auto turns = unasked().second;
  CAF_REQUIRE_EQUAL(turns.size(), 1u);
  const auto& t = turns[0];
  CAF_CHECK_EQUAL(t.kind, msg::agent_turn::reply);
  CAF_CHECK(t.text.find("before it started") != std::string::npos);
  CAF_REQUIRE(!stored->statuses.empty());
  CAF_CHECK_EQUAL(stored->statuses.back().trial_id, msg::trial_id{last});
  CAF_CHECK(stored->statuses.back().status == msg::trial_status::cancelled);
  CAF_CHECK_EQUAL(started->size(), 30u);  // a cancelled waiting arm frees no slot

  // An arm that ends lets the next waiting one start.
  self->send(agent, msg::trial_failed{(*started)[0].trial_id, msg::trial_status::failed, "data_error", "no bars"});
  run();
  CAF_CHECK_EQUAL(started->size(), 31u);
  CAF_CHECK_EQUAL(started->back().trial_id, msg::trial_id{(*started)[29].trial_id.value + 1});
}

CAF_TEST(an arm the engine refuses as busy waits and is offered again until the engine takes it) {
  script->busy = 2;  // the queue is full for the first two offers
  auto p = propose("run trial on AAPL, NVDA and TSLA");
  // sched.run(), not run(): the fixture's run() would fire the agent's timer at once.
  self->send(agent, msg::user_approve{1, p.proposal_id});
  sched.run();
  auto approved = turn();
  CAF_CHECK(approved.text.find("Running the same plan once per symbol:") != std::string::npos);
  CAF_CHECK_EQUAL(script->refused, 2);
  CAF_REQUIRE_EQUAL(started->size(), 1u);
  CAF_CHECK_EQUAL((*started)[0].plan.symbol, "TSLA");
  // The person hears once why two trials wait; no row failed, and the store
  // was told of no failure (the two stay queued).
  auto [reports, turns] = unasked();
  CAF_CHECK(reports.empty());
  CAF_REQUIRE_EQUAL(turns.size(), 1u);
  CAF_MESSAGE(turns[0].text);
  CAF_CHECK(turns[0].text.find("The engine's queue is full (busy, position 33: ") == 0);
  CAF_CHECK(turns[0].text.find("(AAPL) waits here: I offer it again every 5 s") != std::string::npos);
  CAF_CHECK(turns[0].text.find("for up to 10 minutes") != std::string::npos);
  for (const auto& st : stored->statuses) CAF_CHECK_NOT_EQUAL(st.status, "failed");

  // Not before five seconds; then both are offered again and the engine takes them.
  sched.advance_time(std::chrono::seconds(4));
  sched.run();
  CAF_CHECK_EQUAL(started->size(), 1u);
  sched.advance_time(std::chrono::seconds(1));
  sched.run();
  CAF_REQUIRE_EQUAL(started->size(), 3u);
  std::set<std::string> symbols;
  for (const auto& st : *started) symbols.insert(st.plan.symbol);
  CAF_CHECK(symbols == (std::set<std::string>{"AAPL", "NVDA", "TSLA"}));
  CAF_CHECK_EQUAL(script->refused, 2);
  // No timer is left to start a trial twice.
  run();
  CAF_CHECK_EQUAL(started->size(), 3u);

  // All three finish, and the table has three finished rows.
  for (const auto& st : *started) {
    msg::trial_summary s;
    s.trial_id = st.trial_id;
    s.plan = st.plan;
    s.symbol = st.plan.symbol;
    s.model = st.plan.model;
    s.test.n = 110;
    s.test.accuracy = 0.52;
    self->send(agent, s);
    run();
    self->receive([](msg::final_report&) {});
  }
  auto table = unasked().first;
  CAF_REQUIRE_EQUAL(table.size(), 1u);
  CAF_REQUIRE_EQUAL(table[0].rows.size(), 3u);
  for (const auto& row : table[0].rows) CAF_CHECK(row.finished);
}

CAF_TEST(an arm the engine keeps refusing fails its row after ten minutes saying so) {
  script->busy = 100000;
  auto p = propose("run trial on AAPL and TSLA");
  self->send(agent, msg::user_approve{1, p.proposal_id});
  sched.run();
  turn();
  CAF_CHECK_EQUAL(script->refused, 2);
  CAF_CHECK_EQUAL(unasked().second.size(), 1u);  // told once, not per arm
  for (int i = 0; i < 120; ++i) {
    sched.advance_time(std::chrono::seconds(5));
    sched.run();
  }
  CAF_CHECK(started->empty());
  CAF_CHECK_EQUAL(script->refused, 2 * 121);  // the first offer and 120 more each
  auto [reports, turns] = unasked();
  CAF_CHECK(turns.empty());
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_REQUIRE_EQUAL(reports[0].rows.size(), 2u);
  for (const auto& row : reports[0].rows) {
    CAF_CHECK(!row.finished);
    CAF_CHECK(row.failure.find("the engine's queue stayed full for 10 minutes (busy, position 33") !=
              std::string::npos);
  }
  std::size_t failed = 0;
  for (const auto& st : stored->statuses)
    failed += st.status == msg::trial_status::failed && st.error.find("stayed full for 10 minutes") != std::string::npos;
  CAF_CHECK_EQUAL(failed, 2u);
  // Nothing is offered after giving up, however long one waits.
  run();
  CAF_CHECK_EQUAL(script->refused, 2 * 121);
}

CAF_TEST(cancel while an arm waits out a busy engine cancels it there and its timer starts nothing) {
  script->busy = 1;
  auto p = propose("run trial on AAPL and TSLA");
  self->send(agent, msg::user_approve{1, p.proposal_id});
  sched.run();
  turn();
  CAF_REQUIRE_EQUAL(started->size(), 1u);  // TSLA; AAPL waits
  CAF_CHECK_EQUAL(unasked().second.size(), 1u);
  self->send(agent, msg::user_chat{1, "cancel"});
  sched.run();
  auto [reports, said] = unasked();
  CAF_REQUIRE_EQUAL(said.size(), 1u);
  CAF_CHECK(said[0].text.find("Cancelling every trial of the universe that has not ended: 1 in the engine "
                              "(running or queued) and 1 that had not started.") == 0);
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  for (const auto& row : reports[0].rows) CAF_CHECK(row.failure.find("cancelled") == 0);
  sched.advance_time(std::chrono::seconds(5));
  run();
  CAF_CHECK_EQUAL(started->size(), 1u);
  CAF_CHECK_EQUAL(script->refused, 1);
}

CAF_TEST(cancel during a universe cancels every arm not ended and cancel AAPL only its arms) {
  // Two models on the Dow 30: 30 trials in the engine, 30 waiting their turn.
  auto p = propose("compare xgboost and logistic on the Dow 30 with synthetic data");
  approve_all(p.proposal_id);
  CAF_REQUIRE_EQUAL(started->size(), 30u);
  const auto ids = stored->last_trial;

  // "cancel AAPL": the two AAPL arms (both in the engine), nothing else.
  self->send(agent, msg::user_chat{1, "cancel AAPL"});
  run();
  auto turns = unasked().second;
  CAF_REQUIRE_EQUAL(turns.size(), 1u);
  CAF_MESSAGE(turns[0].text);
  CAF_CHECK_EQUAL(turns[0].kind, msg::agent_turn::reply);
  CAF_CHECK(turns[0].text.find("Cancelling every AAPL trial of the universe that has not ended: 2 in the engine") ==
            0);
  CAF_REQUIRE_EQUAL(script->cancelled.size(), 2u);
  for (auto id : script->cancelled) CAF_CHECK_EQUAL(stored->created[static_cast<std::size_t>(id.value - 1)].plan.symbol, "AAPL");
  // Each cancelled arm that ended let a waiting one start.
  CAF_CHECK_EQUAL(started->size(), 32u);

  // "cancel MSFT" names a symbol of the universe; "cancel SPY" one that is not.
  self->send(agent, msg::user_chat{1, "cancel SPY"});
  run();
  turns = unasked().second;
  CAF_REQUIRE_EQUAL(turns.size(), 1u);
  CAF_CHECK_EQUAL(turns[0].kind, msg::agent_turn::error);
  CAF_CHECK(turns[0].text.find("SPY is not in the universe running now (AAPL, AMGN") == 0);

  // "cancel": the 28 arms in the engine and the 28 still waiting; none starts.
  self->send(agent, msg::user_chat{1, "cancel"});
  run();
  auto [reports, said] = unasked();
  CAF_REQUIRE_EQUAL(said.size(), 1u);
  CAF_MESSAGE(said[0].text);
  CAF_CHECK(said[0].text.find("Cancelling every trial of the universe that has not ended: 30 in the engine "
                              "(running or queued) and 28 that had not started.") == 0);
  CAF_CHECK_EQUAL(script->cancelled.size(), 32u);
  CAF_CHECK_EQUAL(started->size(), 32u);
  // Every row has ended, cancelled: the table comes at once.
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_REQUIRE_EQUAL(reports[0].rows.size(), 60u);
  for (const auto& row : reports[0].rows) {
    CAF_CHECK(!row.finished);
    CAF_CHECK(row.failure.find("cancelled") == 0);
  }
  CAF_CHECK_EQUAL(stored->last_trial, ids);
  // Nothing is left to cancel: "cancel" says so as before.
  self->send(agent, msg::user_chat{1, "cancel"});
  run();
  auto last = turn();
  CAF_CHECK_EQUAL(last.kind, msg::agent_turn::error);
  CAF_CHECK_EQUAL(last.error_code, "nothing_to_cancel");
}

CAF_TEST(more symbols than the limit are refused and nothing is proposed) {
  std::string line = "run trial on the Dow 30 and SPY";
  self->send(agent, msg::user_chat{1, line});
  run();
  auto t = turn();
  CAF_CHECK_EQUAL(t.kind, msg::agent_turn::error);
  CAF_CHECK_EQUAL(t.error_code, "too_many_symbols");
  CAF_CHECK(t.text.find("names 31 symbols; one request runs at most 30") != std::string::npos);
  CAF_CHECK(stored->proposals.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
