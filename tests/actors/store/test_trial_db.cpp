#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

#include <sqlite3.h>

#include "actors/store/trial_db.hpp"

using namespace mlt;

namespace {
std::string temp_db(const char* name) {
  auto dir = std::filesystem::path(MLT_BINARY_DIR) / "test-tmp";
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::filesystem::remove(p);
  std::filesystem::remove(p.string() + "-wal");
  std::filesystem::remove(p.string() + "-shm");
  return p.string();
}

// Runs `sql` on the file at `path`, outside the store.
void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(raw);
  REQUIRE(rc == SQLITE_OK);
}

// An empty database of schema 5, the last with JSON columns: the fixture an
// older build wrote (tests/data/store_schema5), its rows deleted.
std::string schema5_db(const char* name) {
  const auto path = temp_db(name);
  std::filesystem::copy_file(std::string(MLT_TEST_DATA_DIR) + "/store_schema5/mltrainer.db", path);
  raw_sql(path, "DELETE FROM events; DELETE FROM checkpoints; DELETE FROM fitted_configurations; "
                "DELETE FROM paper_portfolios; DELETE FROM schedule_state; DELETE FROM trials; DELETE FROM proposals; "
                "DELETE FROM sqlite_sequence;");
  return path;
}

// A trial as schema 5 kept it, with only the readable plan (as before schema 3).
void old_trial(const std::string& path, const std::string& plan_json, const std::string& status) {
  raw_sql(path, "INSERT INTO trials(created_at, updated_at, status, origin, symbol, model, plan_json) VALUES("
                "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '" + status + "', 'chat', "
                "json_extract('" + plan_json + "', '$.symbol'), json_extract('" + plan_json + "', '$.model'), '" +
                plan_json + "')");
}
}  // namespace

TEST_CASE("the store keeps proposals, trials, transcripts and reports across reopening") {
  const auto path = temp_db("store.db");
  msg::trial_id trial;
  {
    store::trial_db db(path);
    CHECK(db.version() == store::trial_db::schema_version);
    msg::trial_plan plan;
    plan.symbol = "TSLA";
    plan.model = "xgboost";
    auto pid = db.save_proposal(plan, "plan text");
    trial = db.create_trial(pid, plan, "chat");
    CHECK(trial.value > 0);
    db.set_status(trial, msg::trial_status::running, "");
    for (int i = 1; i <= 3; ++i) {
      msg::trial_event e;
      e.trial_id = trial;
      e.seq = i;
      e.speaker = i % 2 ? msg::event_speaker::engine : msg::event_speaker::mltrainer;
      e.kind = msg::event_kind::status;
      e.text = "line " + std::to_string(i);
      db.append_event(e);
    }
    msg::trial_report r;
    r.summary.trial_id = trial;
    r.summary.model = "logistic";
    r.summary.plan = plan;
    r.summary.test.accuracy = 0.53;
    r.summary.test.n = 250;
    r.summary.paper.total_return = 0.04;
    db.save_report(r);
  }
  store::trial_db db(path);
  auto rec = db.get(trial);
  REQUIRE(rec.found);
  CHECK(rec.row.status == msg::trial_status::completed);
  CHECK(rec.row.model == "logistic");
  CHECK(rec.row.test_accuracy == Approx(0.53));
  CHECK(rec.transcript.size() == 3);
  CHECK(rec.transcript[2].text == "line 3");
  CHECK(rec.row.has_report);
  CHECK(rec.report.summary.test.accuracy == Approx(0.53));
  CHECK(rec.report.summary.test.n == 250);
  CHECK(rec.plan.symbol == "TSLA");
  CHECK(db.list(10).trials.size() == 1);
  CHECK_FALSE(db.get(msg::trial_id{trial.value + 100}).found);
}

TEST_CASE("trials left running by a crash are marked interrupted, finished ones are not") {
  const auto path = temp_db("interrupt.db");
  store::trial_db db(path);
  msg::trial_plan plan;
  plan.symbol = "AAPL";
  auto a = db.create_trial({}, plan, "chat");
  auto b = db.create_trial({}, plan, "chat");
  db.set_status(a, msg::trial_status::running, "");
  db.set_status(b, msg::trial_status::failed, "boom");
  CHECK(db.interrupt_running("daemon restarted") == 1);
  CHECK(db.get(a).row.status == msg::trial_status::interrupted);
  CHECK(db.get(b).row.status == msg::trial_status::failed);
}

TEST_CASE("a version-1 database is migrated and keeps its trials; portfolios persist") {
  const auto path = schema5_db("migrate.db");
  old_trial(path, R"({"symbol":"SPY","model":"xgboost"})", "completed");
  // Back to version 1: no portfolio table.
  raw_sql(path, "DROP TABLE paper_portfolios; PRAGMA user_version = 1;");
  store::trial_db db(path);
  CHECK(db.version() == store::trial_db::schema_version);
  CHECK(db.get(msg::trial_id{1}).found);
  CHECK(db.get(msg::trial_id{1}).plan.symbol == "SPY");
  CHECK_FALSE(db.portfolio("SPY").found);
  msg::portfolio_record p{true, "SPY", "xgboost", msg::trial_id{1}, {}, ""};
  p.portfolio.symbol = "SPY";
  p.portfolio.state.cash = 1234.5;
  p.portfolio.state.fills.push_back({7, 1700000000, 10, 101.5, 1, 0.25, ml::sim::fill_reason::stop_loss});
  db.save_portfolio(p);
  auto back = db.portfolio("SPY");
  CHECK(back.found);
  CHECK(back.trial_id == mlt::msg::trial_id{1});
  CHECK(back.portfolio.state.cash == 1234.5);
  REQUIRE(back.portfolio.state.fills.size() == 1);
  CHECK(back.portfolio.state.fills[0].reason == ml::sim::fill_reason::stop_loss);
  CHECK(back.portfolio.state.fills[0].price == 101.5);
}

TEST_CASE("a version-2 database gains schedule state and waiting proposals, and its trials can still be resumed") {
  const auto path = schema5_db("migrate2.db");
  old_trial(path, R"({"symbol":"QQQ","model":"logistic","horizon":5,"params":{"C":0.5}})", "running");
  // Back to version 2: no plan copies, no schedule table.
  raw_sql(path, "DROP TABLE schedule_state; DROP INDEX proposals_pending; "
                "ALTER TABLE proposals DROP COLUMN origin; ALTER TABLE proposals DROP COLUMN pending; "
                "ALTER TABLE proposals DROP COLUMN plan_bin; ALTER TABLE trials DROP COLUMN plan_bin; "
                "DROP TABLE checkpoints; DROP TABLE fitted_configurations; PRAGMA user_version = 2;");
  store::trial_db db(path);
  CHECK(db.version() == store::trial_db::schema_version);
  CHECK(db.interrupt_running("crash") == 1);
  // The plan comes back from its readable JSON.
  auto re = db.reopen_trial(msg::trial_id{1});
  CHECK(re.plan.symbol == "QQQ");
  CHECK(re.plan.model == "logistic");
  CHECK(re.plan.horizon == 5);
  CHECK(re.plan.params["C"] == Approx(0.5));
  CHECK(db.record_fire("nightly", 100));
  CHECK(db.schedule_states(10).states.size() == 1);
}

TEST_CASE("an interrupted trial reopens with its exact plan and a transcript line; other statuses refuse") {
  const auto path = temp_db("reopen.db");
  store::trial_db db(path);
  msg::trial_plan plan;
  plan.symbol = "TSLA";
  plan.model = "lstm";
  plan.pinned = {"model"};
  plan.paper.stop_loss = 0.05;
  auto pid = db.save_proposal(plan, "text");
  auto id = db.create_trial(pid, plan, "chat");
  db.set_status(id, msg::trial_status::running, "");
  for (int i = 1; i <= 4; ++i) {
    msg::trial_event e;
    e.trial_id = id;
    e.seq = i;
    e.speaker = msg::event_speaker::engine;
    e.kind = msg::event_kind::progress;
    e.text = "step " + std::to_string(i);
    db.append_event(e);
  }
  // Still running: nothing to resume.
  CHECK_THROWS_WITH(db.reopen_trial(id), Catch::Contains("is running"));
  CHECK_THROWS_WITH(db.reopen_trial(msg::trial_id{id.value + 50}), Catch::Contains("no trial"));
  db.interrupt_running("the daemon stopped while this trial ran");

  auto re = db.reopen_trial(id);
  CHECK(re.trial_id == id);
  CHECK(re.previous_status == msg::trial_status::interrupted);
  CHECK(re.last_seq == 5);
  CHECK(re.plan.model == "lstm");
  CHECK(re.plan.pinned == std::vector<std::string>{"model"});
  CHECK(re.plan.paper.stop_loss == Approx(0.05));
  auto rec = db.get(id);
  CHECK(rec.row.status == msg::trial_status::queued);
  CHECK(rec.row.error.empty());
  REQUIRE(rec.transcript.size() == 5);
  CHECK(rec.transcript.back().text.find("resumed after interruption") != std::string::npos);
  CHECK(rec.transcript[3].text == "step 4");
  // Queued again: a second resume is refused until it is interrupted again.
  CHECK_THROWS_WITH(db.reopen_trial(id), Catch::Contains("is queued"));
  db.save_report([&] {
    msg::trial_report r;
    r.summary.trial_id = id;
    r.summary.plan = plan;
    r.summary.model = "lstm";
    return r;
  }());
  CHECK_THROWS_WITH(db.reopen_trial(id), Catch::Contains("is completed"));
}

TEST_CASE("a trial's last checkpoint comes back with its reopening, and the transcript says where it continues") {
  const auto path = temp_db("checkpoint.db");
  msg::trial_id id;
  {
    store::trial_db db(path);
    msg::trial_plan plan;
    plan.symbol = "TSLA";
    plan.model = "xgboost";
    id = db.create_trial({}, plan, "chat");
    db.set_status(id, msg::trial_status::running, "");
    msg::trial_checkpoint c;
    c.trial_id = id;
    c.decisions = 1;
    c.configurations = 1;
    db.save_checkpoint(c);  // replaced by the next one
    c.decisions = 2;
    c.configurations = 3;
    c.models_tried = {"xgboost", "logistic"};
    c.train_ratio = 0.6;
    c.model = "logistic";
    c.params["C"] = 2;
    msg::decision ratio, to_logistic;
    ratio.action = msg::action::set_train_ratio;
    ratio.params["train_ratio"] = 0.6;
    to_logistic.action = msg::action::switch_model;
    to_logistic.model = "logistic";
    c.answers.push_back({msg::question::volatility, "", 0, ratio});
    c.answers.push_back({msg::question::results, "xgboost", 0, to_logistic});
    msg::recorded_optimization o;
    o.model = "xgboost";
    o.budget = 8;
    o.outcome.evaluations = 8;
    o.outcome.best_params["eta"] = 0.1;
    c.optimizations.push_back(o);
    c.bars = 2000;
    c.last_date = "2024-12-31";
    db.save_checkpoint(c);
  }
  store::trial_db db(path);
  db.interrupt_running("killed");
  auto re = db.reopen_trial(id);
  const auto& c = re.checkpoint;
  CHECK(c.trial_id == id);
  CHECK(c.decisions == 2);
  CHECK(c.configurations == 3);
  CHECK(c.models_tried == std::vector<std::string>{"xgboost", "logistic"});
  CHECK(c.train_ratio == Approx(0.6));
  CHECK(c.params.at("C") == 2);
  REQUIRE(c.answers.size() == 2);
  CHECK(c.answers[0].answer.params.at("train_ratio") == Approx(0.6));
  CHECK(c.answers[1].answer.model == "logistic");
  CHECK(c.answers[1].question == msg::question::results);  // stored by its word, read back typed
  REQUIRE(c.optimizations.size() == 1);
  CHECK(c.optimizations[0].outcome.best_params.at("eta") == Approx(0.1));
  CHECK(c.last_date == "2024-12-31");
  CHECK(db.get(id).transcript.back().text.find("continues from its checkpoint after decision 2") != std::string::npos);
  // A trial that never decided anything has an empty checkpoint and restarts.
  msg::trial_plan plan;
  plan.symbol = "AAPL";
  auto other = db.create_trial({}, plan, "chat");
  db.set_status(other, msg::trial_status::failed, "data");
  auto fresh = db.reopen_trial(other);
  CHECK(fresh.checkpoint.answers.empty());
  CHECK(fresh.checkpoint.configurations == 0);
  CHECK(db.get(other).transcript.back().text.find("from the start") != std::string::npos);
  // An unreadable checkpoint does not block the resume: it restarts and says why.
  db.set_status(id, msg::trial_status::failed, "disk");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "UPDATE checkpoints SET record = x'00ff'", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  auto broken = db.reopen_trial(id);
  CHECK(broken.checkpoint.answers.empty());
  const auto line = db.get(id).transcript.back().text;
  CHECK(line.find("checkpoint of trial " + msg::to_string(id) + " is unreadable, so it runs again from the start") !=
        std::string::npos);
}

TEST_CASE("a version-3 database gains the checkpoint table and shows and resumes its old trials") {
  const auto path = schema5_db("migrate3.db");
  old_trial(path, R"({"symbol":"SPY","model":"xgboost"})", "running");
  const msg::trial_id id{1};
  raw_sql(path, "DROP TABLE checkpoints; DROP TABLE fitted_configurations; PRAGMA user_version = 3;");
  store::trial_db db(path);
  CHECK(db.version() == store::trial_db::schema_version);
  auto list = db.list(10);
  REQUIRE(list.trials.size() == 1);
  CHECK(list.trials[0].symbol == "SPY");
  CHECK(db.interrupt_running("crash") == 1);
  auto re = db.reopen_trial(id);
  CHECK(re.plan.symbol == "SPY");
  CHECK(re.checkpoint.answers.empty());
  msg::trial_checkpoint c;
  c.trial_id = id;
  c.decisions = 1;
  db.save_checkpoint(c);
  CHECK(db.checkpoint(id).decisions == 1);
}

TEST_CASE("a schedule records each fire time once; an equal or earlier time is refused") {
  const auto path = temp_db("fires.db");
  {
    store::trial_db db(path);
    CHECK(db.record_fire("nightly", 1000));
    CHECK_FALSE(db.record_fire("nightly", 1000));
    CHECK_FALSE(db.record_fire("nightly", 999));
    CHECK(db.record_fire("hourly", 500));
    db.record_schedule_outcome("nightly", msg::trial_id{7}, "trial 7 started");
  }
  store::trial_db db(path);  // across a restart as well
  CHECK_FALSE(db.record_fire("nightly", 1000));
  CHECK(db.record_fire("nightly", 1060));
  db.record_schedule_outcome("nightly", msg::trial_id{}, "skipped 2 run(s)");
  auto states = db.schedule_states(10).states;
  REQUIRE(states.size() == 2);
  CHECK(states[1].name == "nightly");
  CHECK(states[1].last_fire_utc == 1060);
  CHECK(states[1].last_trial_id == mlt::msg::trial_id{7});  // an outcome without a trial keeps the last one
  CHECK(states[1].last_result == "skipped 2 run(s)");
}

TEST_CASE("a waiting proposal is listed until approved or dismissed, and is approved once only") {
  const auto path = temp_db("pending.db");
  store::trial_db db(path);
  msg::trial_plan plan;
  plan.symbol = "SPY";
  plan.pinned = {"symbol"};
  auto first = db.save_pending_proposal(plan, "first", "schedule:nightly");
  auto other = db.save_pending_proposal(plan, "other", "schedule:weekly");
  db.save_proposal(plan, "a chat proposal is not waiting");
  auto second = db.save_pending_proposal(plan, "second", "schedule:nightly");
  auto list = db.pending_proposals(10).proposals;
  // The newer run of the same schedule replaced the older one.
  REQUIRE(list.size() == 2);
  CHECK(list[0].proposal_id == other);
  CHECK(list[1].proposal_id == second);
  CHECK(list[1].origin == "schedule:nightly");
  CHECK(list[1].plan.symbol == "SPY");
  CHECK(list[1].plan.pinned == std::vector<std::string>{"symbol"});
  CHECK(list[1].text == "second");
  CHECK(first != second);

  auto trial = db.create_trial(second, plan, "schedule:nightly");
  CHECK(trial.value > 0);
  CHECK_THROWS_WITH(db.create_trial(second, plan, "schedule:nightly"), Catch::Contains("already approved"));
  CHECK(db.list(10).trials.size() == 1);
  CHECK(db.list(10).trials[0].origin == "schedule:nightly");
  CHECK(db.dismiss_proposal(other));
  CHECK_FALSE(db.dismiss_proposal(other));
  CHECK(db.pending_proposals(10).proposals.empty());
}

namespace {
msg::fitted_configuration config(std::int64_t trial, std::int64_t key, const std::string& symbol,
                                 const std::string& target) {
  msg::fitted_configuration c;
  c.trial_id = msg::trial_id{trial};
  c.key = key;
  c.symbol = symbol;
  c.target = target;
  c.model = "xgboost";
  c.params = {{"eta", 0.1}};
  c.source = "fit";
  return c;
}
}  // namespace

TEST_CASE("the store counts every configuration fitted for a symbol and target, and the variance of their Sharpes") {
  const auto path = temp_db("configs.db");
  store::trial_db db(path);
  auto empty = db.multiple_testing("TSLA", "direction-1d");
  CHECK(empty.configurations == 0);
  CHECK(empty.with_sharpe == 0);
  CHECK(empty.sharpe_variance == 0);

  // Trial 1: two measured fits and one stopped before measurement.
  const double sharpes[] = {0.02, -0.01, 0.05};
  for (int k = 0; k < 2; ++k) {
    auto c = config(1, 10 + k, "TSLA", "direction-1d");
    db.record_configuration(c);  // announced when the fit starts ...
    c.has_sharpe = true;         // ... completed when it is evaluated
    c.sharpe = sharpes[k];
    c.sharpe_rows = 180;
    db.record_configuration(c);
  }
  db.record_configuration(config(1, 30, "TSLA", "direction-1d"));
  // Trial 2 (another arm): one measured fit, symbol in another case.
  auto c = config(2, 7, "tsla", "direction-1d");
  c.has_sharpe = true;
  c.sharpe = sharpes[2];
  db.record_configuration(c);
  // Neither another target nor another symbol counts.
  db.record_configuration(config(3, 5, "TSLA", "direction-5d"));
  db.record_configuration(config(3, 6, "AAPL", "direction-1d"));
  // Recording the same configuration again without a Sharpe keeps the one measured.
  db.record_configuration(config(1, 10, "TSLA", "direction-1d"));

  auto m = db.multiple_testing("TSLA", "direction-1d");
  CHECK(m.configurations == 4);
  CHECK(m.trials == 2);
  CHECK(m.with_sharpe == 3);
  const double mean = (sharpes[0] + sharpes[1] + sharpes[2]) / 3;
  double ss = 0;
  for (double x : sharpes) ss += (x - mean) * (x - mean);
  CHECK(m.sharpe_variance == Approx(ss / 2));
  CHECK(db.multiple_testing("TSLA", "direction-5d").configurations == 1);
  CHECK(db.multiple_testing("AAPL", "direction-1d").with_sharpe == 0);
}

TEST_CASE("a version-3 database gains the configuration record; its old trials count from their transcripts") {
  const auto path = schema5_db("migrate3c.db");
  old_trial(path, R"({"symbol":"TSLA","model":"xgboost","horizon":1})", "completed");
  const msg::trial_id id{1};
  {
    auto line = [&](std::int64_t seq, const char* kind, const std::string& text) {
      raw_sql(path, "INSERT INTO events(trial_id, seq, time_ms, speaker, kind, text, data_json) VALUES(1, " +
                        std::to_string(seq) + ", 0, 'engine', '" + kind + "', '" + text + "', '{}')");
    };
    line(1, "progress", "Loaded 2516 day bars of TSLA from 2010-06-29 to 2020-06-26 (source csv: x).");
    line(2, "status", "Fitting xgboost (eta=0.1) on 1700 training rows (...); validating on 300 (...).");
    line(3, "progress", "Optimiser evaluation 1/2: eta=0.2 scored 0.6900 (best 0.6900)");
    line(4, "progress", "Optimiser evaluation 2/2: eta=0.3 scored 0.6950 (best 0.6900)");
    line(5, "status", "Fitting logistic (C=1) on 1700 training rows (...).");
    line(6, "status", "Final evaluation of logistic on the untouched test part.");
  }
  raw_sql(path, "DROP TABLE fitted_configurations; PRAGMA user_version = 3;");
  store::trial_db db(path);
  CHECK(db.version() == store::trial_db::schema_version);
  CHECK(db.get(id).found);
  auto m = db.multiple_testing("TSLA", "direction-1d");
  CHECK(m.configurations == 4);  // two fits, two optimiser evaluations
  CHECK(m.trials == 1);
  CHECK(m.with_sharpe == 0);     // old trials measured none
  CHECK(m.sharpe_variance == 0);
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "SELECT key, model, source FROM fitted_configurations ORDER BY key", -1, &st,
                               nullptr) == SQLITE_OK);
    std::vector<std::string> rows;
    while (sqlite3_step(st) == SQLITE_ROW)
      rows.push_back(std::to_string(sqlite3_column_int64(st, 0)) + " " +
                     reinterpret_cast<const char*>(sqlite3_column_text(st, 1)) + " " +
                     reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
    sqlite3_finalize(st);
    sqlite3_close(raw);
    CHECK(rows == std::vector<std::string>{"2 xgboost fit", "3 xgboost optimizer", "4 xgboost optimizer",
                                           "5 logistic fit"});
  }
  // Reopening migrates nothing twice.
  store::trial_db again(path);
  CHECK(again.multiple_testing("TSLA", "direction-1d").configurations == 4);
}

TEST_CASE("the store keeps a universe report, rows and numbers bit for bit, across reopening") {
  const auto path = temp_db("universe.db");
  msg::universe_report r;
  r.universe = "dow30";
  r.symbols = {"AAPL", "NVDA"};
  r.models = {"xgboost"};
  msg::universe_row a;
  a.trial_id = mlt::msg::trial_id{4};
  a.symbol = "AAPL";
  a.model = "xgboost";
  a.finished = true;
  a.test_accuracy = 0.1 + 0.2;  // not representable exactly: must come back identical
  a.wf_ic_se = std::numeric_limits<double>::quiet_NaN();
  msg::universe_row b;
  b.trial_id = mlt::msg::trial_id{5};
  b.symbol = "NVDA";
  b.failure = "failed: no bars in range";
  r.rows = {a, b};
  r.skipped = {"MSFT (no MSFT.csv)"};
  r.text = "the table";
  std::int64_t id = 0;
  {
    store::trial_db db(path);
    id = db.save_universe_report(r);
    CHECK(id > 0);
    CHECK(db.universe_report(id + 1).report_id == 0);  // none
  }
  store::trial_db db(path);
  const auto back = db.universe_report(id);
  CHECK(back.report_id == id);
  CHECK(back.universe == "dow30");
  CHECK(back.text == "the table");
  CHECK(back.skipped == r.skipped);
  REQUIRE(back.rows.size() == 2);
  CHECK(back.rows[0].test_accuracy == a.test_accuracy);
  CHECK(std::isnan(back.rows[0].wf_ic_se));
  CHECK(back.rows[1].failure == "failed: no bars in range");
  CHECK_FALSE(back.rows[1].finished);
}

TEST_CASE("a schema-6 database written before universe trials gains their table when opened") {
  const auto path = temp_db("universe-upgrade.db");
  { store::trial_db db(path); }
  raw_sql(path, "DROP TABLE universe_reports");  // as the build before universe trials left it
  store::trial_db db(path);
  CHECK(db.version() == store::trial_db::schema_version);
  msg::universe_report r;
  r.universe = "AAPL, NVDA";
  r.text = "the table";
  const auto id = db.save_universe_report(r);
  CHECK(id > 0);
  CHECK(db.universe_report(id).text == "the table");
}

TEST_CASE("words this daemon does not know still read: a system status line, a failed trial naming its status") {
  // A database a later version wrote (or one edited by hand).
  const auto path = schema5_db("unknown_words.db");
  old_trial(path, R"({"symbol":"SPY","model":"xgboost"})", "paused");
  raw_sql(path,
          "INSERT INTO events(trial_id, seq, time_ms, speaker, kind, text, data_json) VALUES"
          "(1, 1, 0, 'robot', 'shout', 'a line of a later version', '{}'),"
          "(1, 2, 0, 'mlTrainer', 'decision', 'ACTION continue', '{}')");
  store::trial_db db(path);
  const auto rec = db.get(msg::trial_id{1});
  REQUIRE(rec.found);
  CHECK(rec.row.status == msg::trial_status::failed);
  CHECK(rec.row.error == "the database holds the unknown status 'paused'");
  REQUIRE(rec.transcript.size() == 2);
  CHECK(rec.transcript[0].speaker == msg::event_speaker::system);
  CHECK(rec.transcript[0].kind == msg::event_kind::status);
  CHECK(rec.transcript[0].text == "a line of a later version");
  CHECK(rec.transcript[1].speaker == msg::event_speaker::mltrainer);
  CHECK(rec.transcript[1].kind == msg::event_kind::decision);
  // Read as failed, but not resumable as one: the store refuses by the word it holds.
  CHECK_THROWS_WITH(db.reopen_trial(msg::trial_id{1}), Catch::Contains("trial 1 is paused"));
  // The words known today are written as the same text as before.
  db.set_status(msg::trial_id{1}, msg::trial_status::interrupted, "");
  CHECK(db.list(10).trials.at(0).status == msg::trial_status::interrupted);
  CHECK(db.count_by_status().at("interrupted") == 1);
}
