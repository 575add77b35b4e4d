// The store's typed records: their format byte, the migration of a real
// schema-5 database (tests/data/store_schema5) and the readers of the JSON it
// held, which must give back what the older build showed.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include <sqlite3.h>

#include "actors/store/legacy_json.hpp"
#include "actors/store/record_codec.hpp"
#include "actors/store/trial_db.hpp"
#include "messages/wire.hpp"

using namespace mlt;

namespace {

std::string fresh_copy(const char* name) {
  auto dir = std::filesystem::path(MLT_BINARY_DIR) / "test-tmp";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  for (const char* tail : {"", "-wal", "-shm"}) std::filesystem::remove(path + tail);
  std::filesystem::copy_file(std::string(MLT_TEST_DATA_DIR) + "/store_schema5/mltrainer.db", path);
  return path;
}

std::string expected(const std::string& name) {
  std::ifstream in(std::string(MLT_TEST_DATA_DIR) + "/store_schema5/expected/" + name, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// One text column of the file at `path`, read outside the store.
std::string column(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(raw);
  return out;
}

// A report with every part a report frame shows, including the awkward ones:
// non-finite numbers, an open trade, detail maps, walk-forward folds.
msg::trial_report rich_report() {
  msg::trial_report r;
  auto& s = r.summary;
  s.trial_id = mlt::msg::trial_id{9};
  s.symbol = "SPY";
  s.model = "ensemble";
  s.parameter_count = 1234;
  s.data_source = "csv";
  s.data_origin = "/data/SPY.csv";
  s.first_date = "2010-01-04";
  s.last_date = "2020-08-28";
  s.bars = 2680;
  s.bar_size = "daily";
  s.features = 15;
  s.vol_annual = 0.1734;
  s.regime = "normal";
  s.test_first_date = "2019-01-02";
  s.test_last_date = "2020-08-27";
  s.plan.symbol = "SPY";
  s.plan.model = "ensemble";
  s.plan.train_ratio = 0.65;
  s.plan.params["eta"] = 0.1;
  s.plan.paper.stop_loss = 0.02;
  s.plan.paper.sizing = "fraction";
  s.plan.paper.size = 0.5;
  s.plan.pinned = {"model"};
  s.train.n = 1700;
  s.train.accuracy = 0.56;
  s.val.tp = 40;
  s.test.accuracy = 0.5123456789012345;
  s.test.log_loss = std::numeric_limits<double>::quiet_NaN();
  s.test_vs_return.n = 400;
  s.test_vs_return.ic = -0.031;
  s.paper.total_return = 0.12;
  s.paper.trades = 7;
  s.paper_detail = {{"sortino", 1.5}, {"psr", std::numeric_limits<double>::infinity()}, {"years", 1.6}};
  s.buy_hold.total_return = 0.2;
  s.buy_hold_detail = {{"volatility", 0.18}};
  s.sma_cross = {{"fast", 10}, {"slow", 30}, {"total_return", 0.05}};
  s.equity = {{1546387200, 100000}, {1546473600, 100250.5}, {1546560000, 99100}};
  s.buy_hold_equity = {{1546387200, 100000}, {1546473600, 101000}};
  ml::paper_trade closed;
  closed.side = "long";
  closed.size = 10;
  closed.entry_time = 1546473600;
  closed.entry_price = 250.25;
  closed.exit_time = 1546560000;
  closed.exit_price = 248;
  closed.pnl = -22.5;
  closed.ret = -0.009;
  ml::paper_trade open = closed;
  open.side = "short";
  open.open = true;
  open.exit_time = 0;
  s.trades = {closed, open};
  s.importance = {{"rsi_14", 0.3}, {"atr_rel_14", 0.2}};
  s.configurations_tried = 12;
  s.decisions = 4;
  s.models_tried = {"xgboost", "ensemble"};
  s.warnings = {"a gap of 1 trading day"};
  s.leakage_audit = "leakage audit passed";
  s.optimizer = "tried 8";
  s.predictions = {{"2019-01-02", 0.53, 1, 0.004}, {"2019-01-03", 0.47, 0, -0.012}};
  auto& w = s.walk_forward;
  w.window = "expanding";
  w.embargo = 1;
  w.model = "ensemble";
  msg::walk_forward_fold f;
  f.fold = 1;
  f.train_first = "2010-01-04";
  f.n = 300;
  f.beats_majority = true;
  w.folds = {f, f};
  w.n = 600;
  w.accuracy_se = 0.02;
  w.folds_beating_majority = 2;
  w.paper.sharpe = 0.4;
  w.paper_detail = {{"dsr", 0.3}};
  w.buy_hold.cagr = 0.1;
  w.sma_cross = {{"total_return", 0.01}};
  w.note = "";
  s.daemon_tested = {"SPY", "direction-1d", 40, 12, 3, 0.0025};
  s.validation_use = {{"early stopping", "2018-01-02", "2018-06-29", 124}};
  r.report.trial_id = mlt::msg::trial_id{9};
  r.report.answer = "No edge.";
  r.report.analysis = "Accuracy \"53%\".\nSecond line.";
  r.report.caveats = "Small sample.";
  r.report.brain = "rules";
  r.report.input_tokens = 12;
  r.report.llm_calls = 2;
  return r;
}

}  // namespace

TEST_CASE("a record keeps its format byte and a record of another format is refused") {
  msg::trial_plan plan;
  plan.symbol = "TSLA";
  plan.pinned = {"model"};
  auto bytes = store::encode_record(plan, "a plan");
  REQUIRE_FALSE(bytes.empty());
  CHECK(static_cast<std::uint8_t>(bytes[0]) == store::record_format);
  msg::trial_plan back;
  REQUIRE(store::decode_record(bytes, back));
  CHECK(back.symbol == "TSLA");
  CHECK(back.pinned == plan.pinned);
  bytes[0] = static_cast<char>(store::record_format + 1);
  CHECK_FALSE(store::decode_record(bytes, back));
  CHECK_FALSE(store::decode_record(std::vector<char>{}, back));
  bytes[0] = static_cast<char>(store::record_format);
  bytes.pop_back();  // a record cut short
  CHECK_FALSE(store::decode_record(bytes, back));
}

TEST_CASE("a record keeps every number bit for bit, infinities and NaN included") {
  // CAF 0.17's own double conversion makes NaN -1 and never returns for an infinity.
  const auto r = rich_report();
  REQUIRE(std::isinf(r.summary.paper_detail.at("psr")));
  msg::trial_report back;
  REQUIRE(store::decode_record(store::encode_record(r, "a report"), back));
  CHECK(std::isinf(back.summary.paper_detail.at("psr")));
  CHECK(std::isnan(back.summary.test.log_loss));
  CHECK(back.summary.test.accuracy == r.summary.test.accuracy);
  CHECK(msg::encode_report(back) == msg::encode_report(r));
  std::map<std::string, double> odd{{"neg_zero", -0.0}, {"tiny", 4.9e-324}, {"minus_inf", -HUGE_VAL}};
  std::map<std::string, double> odd_back;
  REQUIRE(store::decode_record(store::encode_record(odd, "numbers"), odd_back));
  CHECK(std::signbit(odd_back.at("neg_zero")));
  CHECK(odd_back.at("tiny") == 4.9e-324);
  CHECK(odd_back.at("minus_inf") == -HUGE_VAL);
}

TEST_CASE("a stored report frame reads back into a report that writes the same frame") {
  const auto r = rich_report();
  const auto json = msg::encode_report(r);
  msg::trial_plan approved = r.summary.plan;
  approved.model = "xgboost";  // as approved; the report's plan says what ran
  approved.params.clear();
  msg::trial_report back;
  REQUIRE(store::legacy::report_from_json(json, approved, back));
  CHECK(msg::encode_report(back) == json);
  CHECK(back.summary.plan.model == "ensemble");
  CHECK(back.summary.plan.params.at("eta") == 0.1);
  CHECK(back.summary.plan.pinned == std::vector<std::string>{"model"});  // never in the JSON: from the approved plan
  CHECK(std::isnan(back.summary.test.log_loss));
  REQUIRE(back.summary.trades.size() == 2);
  CHECK(back.summary.trades[0].exit_time == 1546560000);
  CHECK(back.summary.trades[1].open);
  CHECK(back.summary.paper_detail.size() == 3);
  CHECK(back.summary.walk_forward.folds.size() == 2);
  CHECK(back.report.trial_id == mlt::msg::trial_id{9});
  CHECK_FALSE(store::legacy::report_from_json("not json", approved, back));
  CHECK_FALSE(store::legacy::report_from_json("[1]", approved, back));
}

TEST_CASE("a schema-5 database migrates to typed records that show what its JSON showed") {
  const auto path = fresh_copy("schema5.db");
  const auto report_json = column(path, "SELECT report_json FROM trials WHERE id=1");
  const auto plan_json = column(path, "SELECT plan_json FROM trials WHERE id=2");
  const auto state_json = column(path, "SELECT state_json FROM paper_portfolios WHERE symbol='TSLA'");
  REQUIRE_FALSE(report_json.empty());
  REQUIRE_FALSE(state_json.empty());

  store::trial_db db(path);
  CHECK(db.version() == 6);
  auto done = db.get(msg::trial_id{1});
  REQUIRE(done.found);
  REQUIRE(done.row.has_report);
  CHECK(msg::encode_report(done.report) == report_json);
  // The whole trial frame, transcript payloads included, as the older build answered GET /api/trials/1.
  CHECK(msg::encode_trial(done) == expected("trials_1"));
  bool decision_params = false;
  for (const auto& e : done.transcript)
    for (const auto& f : e.data.fields)
      decision_params |=
          e.kind == msg::event_kind::decision && f.key == "params" && f.type == msg::event_field::kind::numbers;
  CHECK(decision_params);
  CHECK(done.report.summary.plan.paper.long_threshold == 0.51);
  CHECK(done.report.summary.plan.paper.allow_short);
  auto running = db.get(msg::trial_id{2});
  CHECK(running.row.status == msg::trial_status::interrupted);
  CHECK_FALSE(running.row.has_report);
  CHECK(running.plan.symbol == "AAPL");
  CHECK(msg::encode_trial(running).find("\"plan\":" + plan_json) != std::string::npos);
  CHECK(msg::encode_trial(running) == expected("trials_2"));

  auto portfolio = db.portfolio("TSLA");
  REQUIRE(portfolio.found);
  CHECK(ml::sim::to_json(portfolio.portfolio) == state_json);
  CHECK(portfolio.portfolio.state.trades.size() == 3);

  auto pending = db.pending_proposals(10).proposals;
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].plan.symbol == "GOOGL");
  CHECK(pending[0].origin == "schedule:weekly");

  // The interrupted trial resumes from its checkpoint, re-encoded with the rest.
  auto re = db.reopen_trial(msg::trial_id{2});
  CHECK(re.plan.model == "xgboost");
  CHECK(re.checkpoint.decisions == 3);
  CHECK_FALSE(re.checkpoint.answers.empty());
  // Every configuration still counts.
  CHECK(db.multiple_testing("TSLA", "direction-1d").configurations > 0);
}

TEST_CASE("a database of a newer schema is refused with the reason, and left as it is") {
  const auto path = fresh_copy("newer.db");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 7", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK_THROWS_WITH(store::trial_db(path), Catch::Contains("has schema version 7, newer than this build (6)"));
  CHECK(column(path, "SELECT user_version FROM pragma_user_version") == "7");
}

TEST_CASE("a schema-5 row that cannot be read stops the migration, names the row and changes nothing") {
  const auto path = fresh_copy("broken5.db");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "UPDATE trials SET report_json = 'not json' WHERE id = 1", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK_THROWS_WITH(store::trial_db(path), Catch::Contains("to schema 6: the report of trial 1 is unreadable"));
  CHECK(column(path, "SELECT user_version FROM pragma_user_version") == "5");
  CHECK(column(path, "SELECT report_json FROM trials WHERE id = 1") == "not json");
}
