// The scheduler against a real store, with a stand-in engine and paper trader.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "actors/scheduler.hpp"
#include "config/cron.hpp"
#include "messages/type_ids.hpp"

using namespace mlt;
using namespace std::chrono_literals;

namespace {

std::string temp_db(const std::string& name) {
  auto dir = std::filesystem::path(MLT_BINARY_DIR) / "test-tmp" / "scheduler";
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
  return p.string();
}

// What the stand-ins were asked.
struct seen {
  std::mutex m;
  std::vector<msg::start_trial> starts;
  std::vector<std::string> paper_symbols;
  std::size_t starts_n() {
    std::lock_guard<std::mutex> l(m);
    return starts.size();
  }
};

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor store, engine, paper;
  std::shared_ptr<seen> log = std::make_shared<seen>();

  explicit fixture(const std::string& db) {
    msg::register_message_types(cfg);
    cfg.set("scheduler.max-threads", 2);
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
    store = caf::actor_cast<caf::actor>(actors::spawn_store(*sys, db));
    auto l = log;
    engine = sys->spawn([l](caf::event_based_actor*, int) -> caf::behavior {
      return {[l](msg::start_trial& m) -> std::int32_t {
        std::lock_guard<std::mutex> g(l->m);
        l->starts.push_back(m);
        return 0;
      }};
    }, 0);
    paper = sys->spawn([l](caf::event_based_actor*, int) -> caf::behavior {
      return {[l](msg::portfolio_request& r) -> std::string {
        std::lock_guard<std::mutex> g(l->m);
        l->paper_symbols.push_back(r.symbol);
        return "no new bars since the last update";
      }};
    }, 0);
  }
  ~fixture() {
    for (auto& a : {engine, paper, store}) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  caf::actor scheduler(std::vector<actors::schedule_spec> specs, std::function<std::int64_t()> clock = {}) {
    actors::scheduler_config sc;
    sc.schedules = std::move(specs);
    sc.store = caf::actor_cast<actors::store_actor>(store);
    // The stand-in answers only start_trial, all a scheduler sends.
    sc.engine = caf::actor_cast<actors::engine_actor>(engine);
    sc.paper = caf::actor_cast<actors::paper_trader_actor>(paper);
    sc.agent.engine = sc.engine;
    sc.agent.store = sc.store;
    sc.agent.paper = sc.paper;
    sc.log = [](const std::string&) {};
    sc.now_ms = std::move(clock);
    return caf::actor_cast<caf::actor>(actors::spawn_scheduler(*sys, std::move(sc)));
  }

  void stop(caf::actor a) {
    caf::scoped_actor self{*sys};
    self->send_exit(a, caf::exit_reason::user_shutdown);
    self->wait_for(a);
  }

  template <class T, class Q>
  T ask(const caf::actor& who, Q q) {
    caf::scoped_actor self{*sys};
    T out;
    self->request(who, 10s, std::move(q))
        .receive([&](T& x) { out = std::move(x); }, [&](caf::error& e) { FAIL(sys->render(e)); });
    return out;
  }

  msg::schedule_state state_of(const std::string& name) {
    for (auto& s : ask<msg::schedule_state_list>(store, msg::schedule_states_query{}).states)
      if (s.name == name) return s;
    return {};
  }
};

actors::schedule_spec spec(std::string name, std::string cron, bool approved = true) {
  actors::schedule_spec s;
  s.name = std::move(name);
  s.cron = std::move(cron);
  s.plan.symbol = "SPY";
  s.plan.model = "logistic";
  s.plan.data_source = "synthetic";
  s.approved = approved;
  return s;
}

// 2026-03-10 02:00:00 UTC, a fire time of "0 2 * * *".
constexpr std::int64_t fire_t = 1773108000;

template <class Pred>
bool eventually(Pred p, std::chrono::seconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return p();
}

}  // namespace

TEST_CASE("the fixed test instant is a fire time of the daily 02:00 schedule") {
  std::string err;
  auto e = config::parse_cron("0 2 * * *", err);
  REQUIRE(e);
  CHECK(config::next_fire(*e, fire_t - 1, 0) == fire_t);
}

TEST_CASE("missed fire times are counted between the last fire and now, and capped") {
  std::string err;
  auto e = *config::parse_cron("0 2 * * *", err);
  std::int64_t latest = 0;
  CHECK(actors::missed_fires(e, 0, fire_t - 3 * 86400, fire_t + 3600, 100, latest) == 3);
  CHECK(latest == fire_t);
  latest = 0;
  CHECK(actors::missed_fires(e, 0, fire_t, fire_t + 3600, 100, latest) == 0);
  CHECK(latest == 0);
  // Now exactly at a fire time counts it.
  CHECK(actors::missed_fires(e, 0, fire_t - 86400, fire_t, 100, latest) == 1);
  CHECK(actors::missed_fires(e, 0, fire_t - 30 * 86400, fire_t, 5, latest) == 5);
  // In UTC+05:30, 02:00 local is 20:30 UTC the day before.
  CHECK(actors::missed_fires(e, 330, fire_t - 86400, fire_t, 100, latest) == 1);
  CHECK(latest == fire_t - 86400 + 18 * 3600 + 30 * 60);
}

TEST_CASE("a schedule with a bad cron, timezone, kind or policy is reported, not run") {
  CHECK(actors::check_schedule(spec("ok", "0 2 * * *")).empty());
  CHECK(actors::check_schedule(spec("bad", "61 2 * * *")).find("bad cron expression '61 2 * * *'") == 0);
  auto s = spec("tz", "0 2 * * *");
  s.timezone = "Europe/Paris";
  CHECK(actors::check_schedule(s).find("bad timezone 'Europe/Paris'") == 0);
  s = spec("kind", "0 2 * * *");
  s.kind = "backtest";
  CHECK(actors::check_schedule(s).find("kind 'backtest'") == 0);
  s = spec("missed", "0 2 * * *");
  s.missed = "all";
  CHECK(actors::check_schedule(s).find("missed 'all'") == 0);
  s = spec("nosym", "0 2 * * *");
  s.plan.symbol.clear();
  CHECK(actors::check_schedule(s) == "the request names no symbol");
}

TEST_CASE("a seconds-level schedule fires within the test and produces a stored trial of origin schedule:NAME") {
  fixture f(temp_db("fires.db"));
  auto sched = f.scheduler({spec("every_second", "* * * * * *")});
  REQUIRE(eventually([&] { return f.log->starts_n() >= 1; }));
  f.stop(sched);
  msg::start_trial first;
  {
    std::lock_guard<std::mutex> g(f.log->m);
    first = f.log->starts.front();
  }
  CHECK(first.plan.symbol == "SPY");
  CHECK(first.agent);          // a headless agent answers its questions
  CHECK_FALSE(first.observer);  // nobody watches live
  auto list = f.ask<msg::trial_list>(f.store, msg::list_trials_query{10});
  bool found = false;
  for (const auto& r : list.trials)
    if (r.trial_id == first.trial_id) {
      found = true;
      CHECK(r.origin == "schedule:every_second");
      CHECK(r.symbol == "SPY");
    }
  CHECK(found);
  auto st = f.state_of("every_second");
  CHECK(st.last_fire_utc > 0);
  CHECK(eventually([&] { return f.state_of("every_second").last_trial_id.known(); }));
}

TEST_CASE("run_once runs one of several missed runs, and a restart does not fire it again") {
  const auto db = temp_db("run_once.db");
  fixture f(db);
  auto s = spec("nightly", "0 2 * * *");
  s.missed = "run_once";
  // Last fired three days ago; now is exactly the third missed fire time.
  CHECK(f.ask<bool>(f.store, msg::record_fire{"nightly", fire_t - 3 * 86400}));
  auto clock = [] { return fire_t * 1000; };
  auto a = f.scheduler({s}, clock);
  REQUIRE(eventually([&] { return f.log->starts_n() == 1; }));
  CHECK(eventually([&] { return f.state_of("nightly").last_fire_utc == fire_t; }));
  f.stop(a);
  // Restarted at the same instant, and again an hour later: nothing new.
  auto b = f.scheduler({s}, clock);
  auto c = f.scheduler({s}, [] { return (fire_t + 3600) * 1000; });
  // Its first look at the store ends with the next fire time set.
  msg::schedule_list list;
  CHECK(eventually([&] {
    list = f.ask<msg::schedule_list>(c, msg::schedules_query{});
    return list.schedules.size() == 1 && list.schedules[0].next_fire_utc != 0;
  }));
  CHECK(list.schedules[0].next_fire_utc == fire_t + 86400);
  CHECK(list.schedules[0].last_fire_utc == fire_t);
  std::this_thread::sleep_for(300ms);
  f.stop(b);
  f.stop(c);
  CHECK(f.log->starts_n() == 1);
  CHECK(f.ask<msg::trial_list>(f.store, msg::list_trials_query{10}).trials.size() == 1);
}

TEST_CASE("skip drops missed runs and records that it did") {
  fixture f(temp_db("skip.db"));
  auto s = spec("nightly", "0 2 * * *");
  s.missed = "skip";
  CHECK(f.ask<bool>(f.store, msg::record_fire{"nightly", fire_t - 3 * 86400}));
  auto a = f.scheduler({s}, [] { return (fire_t + 60) * 1000; });
  REQUIRE(eventually([&] { return f.state_of("nightly").last_result.find("skipped 3 run(s)") != std::string::npos; }));
  f.stop(a);
  CHECK(f.log->starts_n() == 0);
  CHECK(f.state_of("nightly").last_fire_utc == fire_t - 3 * 86400);
  CHECK(f.ask<msg::trial_list>(f.store, msg::list_trials_query{10}).trials.empty());
}

TEST_CASE("a schedule that needs approval leaves a waiting proposal instead of a trial") {
  fixture f(temp_db("pending.db"));
  auto s = spec("weekly", "0 2 * * *", false);
  s.missed = "run_once";
  CHECK(f.ask<bool>(f.store, msg::record_fire{"weekly", fire_t - 86400}));
  auto a = f.scheduler({s}, [] { return (fire_t + 5) * 1000; });
  REQUIRE(eventually([&] {
    return !f.ask<msg::pending_proposal_list>(f.store, msg::pending_proposals_query{}).proposals.empty();
  }));
  f.stop(a);
  auto p = f.ask<msg::pending_proposal_list>(f.store, msg::pending_proposals_query{}).proposals.at(0);
  CHECK(p.origin == "schedule:weekly");
  CHECK(p.plan.symbol == "SPY");
  CHECK(p.text.find("waits for your approval") != std::string::npos);
  CHECK(f.log->starts_n() == 0);
}

TEST_CASE("a paper_update schedule advances the paper portfolio of its symbol") {
  fixture f(temp_db("paper.db"));
  auto s = spec("spy_paper", "0 2 * * *");
  s.kind = "paper_update";
  s.missed = "run_once";
  CHECK(f.ask<bool>(f.store, msg::record_fire{"spy_paper", fire_t - 86400}));
  auto a = f.scheduler({s}, [] { return (fire_t + 5) * 1000; });
  REQUIRE(eventually([&] { return f.state_of("spy_paper").last_result.find("paper SPY updated") == 0; }));
  f.stop(a);
  std::lock_guard<std::mutex> g(f.log->m);
  CHECK(f.log->paper_symbols == std::vector<std::string>{"SPY"});
}

TEST_CASE("a schedule's symbols fan out through the headless agent, one trial per symbol") {
  fixture f(temp_db("universe.db"));
  auto s = spec("tech", "0 2 * * *");
  s.missed = "run_once";
  s.symbols = {"SPY", "QQQ", "IWM"};
  CHECK(f.ask<bool>(f.store, msg::record_fire{"tech", fire_t - 86400}));
  auto a = f.scheduler({s}, [] { return (fire_t + 5) * 1000; });
  REQUIRE(eventually([&] { return f.log->starts_n() == 3; }));
  CHECK(eventually([&] { return f.state_of("tech").last_result.find("once per symbol") != std::string::npos; }));
  f.stop(a);
  std::set<std::string> symbols;
  {
    std::lock_guard<std::mutex> g(f.log->m);
    for (const auto& st : f.log->starts) symbols.insert(st.plan.symbol);
  }
  CHECK(symbols == std::set<std::string>{"SPY", "QQQ", "IWM"});
  const auto trials = f.ask<msg::trial_list>(f.store, msg::list_trials_query{10}).trials;
  REQUIRE(trials.size() == 3);
  for (const auto& t : trials) CHECK(t.origin == "schedule:tech");
  CHECK(f.state_of("tech").last_trial_id.known());
}
