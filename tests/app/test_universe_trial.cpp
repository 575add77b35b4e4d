// The real daemon runs a universe trial end to end: a request over three
// symbols of which one has no data, one proposal naming what it skips, one
// trial per remaining symbol with every checkpoint question answered, and
// one combined report, sent as a frame and kept by the store.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <sqlite3.h>
#include <set>

#include "actors/store/trial_db.hpp"
#include "net/http_client.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

// The shipped data/ folder has AAPL.csv and NVDA.csv but no MSFT.csv, and
// the test sets no Polygon key.
TEST_CASE("a trial over AAPL, MSFT and NVDA runs per symbol and answers with one table", "[integration]") {
  const auto state = mlt::test::fresh_dir("universe");
  daemon_process d(state);
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");

  chat(c, "Run trial on AAPL, MSFT and NVDA with logistic");
  auto p = r.until("proposal");
  CHECK_THAT(p.str("text"), Catch::StartsWith("I cannot load MSFT (no MSFT.csv in ") &&
                                Catch::Contains("and no Polygon key), so I propose running on the rest.") &&
                                Catch::Contains("symbols:       AAPL, NVDA (2)") &&
                                Catch::Contains("AAPL loads: ") && Catch::Contains("/AAPL.csv: ") &&
                                Catch::Contains("(real prices)") && Catch::Contains("2 trials"));
  CHECK(p.str("model") == "logistic");
  std::vector<std::string> proposed;
  for (auto s : p.doc["symbols"].get_array()) proposed.emplace_back(std::string_view(s.get_string()));
  CHECK(proposed == std::vector<std::string>{"AAPL", "NVDA"});
  mlt::test::approve(c, p);
  auto ok = r.until("reply");
  CHECK_THAT(ok.str("text"), Catch::Contains("Running the same plan once per symbol:"));

  r.seen.clear();
  auto u = r.until("universe_report", std::chrono::seconds(300));
  const auto report_id = static_cast<std::int64_t>(u.num("report_id"));
  CHECK(report_id > 0);
  CHECK_THAT(u.str("text"), Catch::Contains("2 of 2 trials finished") && Catch::Contains("Pooled (mean across symbols"));

  // One row per symbol, both finished, with numbers a quant can use.
  std::map<std::string, std::int64_t> trial_of;
  for (auto row : u.doc["rows"].get_array()) {
    frame f{u.raw, row};
    bool finished = false;
    CHECK(!row["finished"].get_bool().get(finished));
    CHECK(finished);
    CHECK(f.str("model") == "logistic");
    CHECK(f.num("test_n") > 50);
    CHECK(f.num("test_accuracy_se") > 0);
    CHECK(f.num("test_auc_se") > 0);
    trial_of[f.str("symbol")] = static_cast<std::int64_t>(f.num("trial_id"));
  }
  CHECK(trial_of.size() == 2);
  CHECK(trial_of.count("AAPL") == 1);
  CHECK(trial_of.count("NVDA") == 1);

  // Every arm's checkpoint questions reached the agent and were answered,
  // and each arm sent its own report before the table.
  std::map<std::int64_t, int> questions, decisions, reports;
  for (const auto& f : r.seen) {
    if (f.type() == "report") ++reports[static_cast<std::int64_t>(f.num("trial_id"))];
    if (f.type() != "event") continue;
    const auto id = static_cast<std::int64_t>(f.num("trial_id"));
    if (f.str("kind") == "question") ++questions[id];
    if (f.str("kind") == "decision") ++decisions[id];
  }
  for (const auto& [symbol, id] : trial_of) {
    INFO(symbol);
    CHECK(questions[id] >= 3);
    CHECK(decisions[id] >= 3);
  }
  // Exactly one combined report.
  int tables = 0;
  for (const auto& f : r.seen) tables += f.type() == "universe_report" ? 1 : 0;
  CHECK(tables == 1);

  // The kept report reads back over HTTP: by its id, and in the list.
  mlt::net::http_client http;
  auto fetch = [&](const std::string& path) {
    mlt::net::http_request req;
    req.url = "http://127.0.0.1:" + std::to_string(d.port()) + path;
    req.timeout = std::chrono::seconds(10);
    return http.send(req);
  };
  simdjson::dom::parser one_parser, list_parser;
  auto one = fetch("/api/universe/" + std::to_string(report_id));
  REQUIRE(one.status == 200);
  frame stored{one.body, {}};
  REQUIRE_FALSE(one_parser.parse(stored.raw).get(stored.doc));
  CHECK(stored.type() == "universe_report");
  CHECK(static_cast<std::int64_t>(stored.num("report_id")) == report_id);
  CHECK(stored.str("text") == u.str("text"));
  CHECK(stored.doc["rows"].get_array().size() == 2);
  auto list = fetch("/api/universe");
  REQUIRE(list.status == 200);
  frame listed{list.body, {}};
  REQUIRE_FALSE(list_parser.parse(listed.raw).get(listed.doc));
  auto kept_list = listed.doc["reports"].get_array();
  REQUIRE(kept_list.size() == 1);
  CHECK(frame{listed.raw, kept_list.at(0)}.num("report_id") == report_id);
  CHECK(frame{listed.raw, kept_list.at(0)}.num("finished") == 2);
  CHECK(fetch("/api/universe/" + std::to_string(report_id + 1)).status == 404);
  CHECK(d.stop() == 0);

  // The store kept it, rows and text.
  mlt::store::trial_db db(state + "/mltrainer.db");
  const auto kept = db.universe_report(report_id);
  CHECK(kept.report_id == report_id);
  CHECK(kept.text == u.str("text"));
  REQUIRE(kept.rows.size() == 2);
  CHECK(kept.rows[0].symbol == "AAPL");
  CHECK(db.get(mlt::msg::trial_id{trial_of["AAPL"]}).row.status == mlt::msg::trial_status::completed);
  CHECK(db.get(mlt::msg::trial_id{trial_of["NVDA"]}).row.origin == "universe");
}

namespace {

std::int64_t universe_reports_in(const std::string& state) {
  sqlite3* db = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2((state + "/mltrainer.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM universe_reports", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

}  // namespace

TEST_CASE("a schedule's symbols fan out in the daemon and its combined report is kept", "[integration]") {
  const auto config_dir = mlt::test::fresh_dir("universe-sched-config");
  const auto state = mlt::test::fresh_dir("universe-sched-state");
  // Every 30 seconds (six-field cron, seconds first): the first fire comes
  // within half a minute; only the first combined report is read.
  const auto config = config_dir + "/mltrainer.json";
  {
    std::ofstream out(config);
    out << R"({"schedules": [{"name": "pair", "cron": "*/30 * * * * *", "timezone": "UTC", "kind": "trial",
               "request": {"symbols": ["AAPL", "NVDA"], "model": "logistic"},
               "approved": true, "missed": "skip"}]})";
  }
  daemon_process d(state, {"--config", config});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (universe_reports_in(state) < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(d.stop() == 0);

  mlt::store::trial_db db(state + "/mltrainer.db");
  const auto r = db.universe_report(1);
  REQUIRE(r.report_id == 1);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].symbol == "AAPL");
  CHECK(r.rows[1].symbol == "NVDA");
  for (const auto& row : r.rows) {
    INFO(row.symbol << ": " << row.failure);
    CHECK(row.finished);
    CHECK(db.get(row.trial_id).row.origin == "schedule:pair");
  }
  CHECK_THAT(r.text, Catch::Contains("2 of 2 trials finished"));
}

TEST_CASE("'cancel AAPL' then 'cancel' during a universe trial cancel its trials and the table says so",
          "[integration]") {
  const auto state = mlt::test::fresh_dir("universe-cancel");
  daemon_process d(state);
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  // Five symbols with the LSTM: two train at once, three wait in the engine's queue.
  mlt::test::propose_and_approve(c, r, "Run trial on AAPL, GOOGL, NVDA, ORCL and TSLA with lstm");
  CHECK_THAT(r.until("reply").str("text"), Catch::Contains("Running the same plan once per symbol:"));

  auto answer_to = [&](const std::string& line) {
    chat(c, line);
    for (;;) {
      auto f = r.until("reply");
      if (f.str("text").rfind("Cancelling", 0) == 0) return f.str("text");
    }
  };
  CHECK_THAT(answer_to("cancel AAPL"),
             Catch::StartsWith("Cancelling every AAPL trial of the universe that has not ended: 1 in the engine"));
  CHECK_THAT(answer_to("cancel"),
             Catch::StartsWith("Cancelling every trial of the universe that has not ended: 4 in the engine"));

  auto u = r.until("universe_report", std::chrono::seconds(120));
  CHECK_THAT(u.str("text"), Catch::Contains("0 of 5 trials finished"));
  std::vector<std::int64_t> ids;
  for (auto row : u.doc["rows"].get_array()) {
    frame f{u.raw, row};
    INFO(f.raw);
    CHECK(f.str("failure").rfind("cancelled", 0) == 0);
    ids.push_back(static_cast<std::int64_t>(f.num("trial_id")));
  }
  CHECK(ids.size() == 5);
  CHECK(d.stop() == 0);

  mlt::store::trial_db db(state + "/mltrainer.db");
  for (auto id : ids) {
    INFO("trial " << id);
    CHECK(db.get(mlt::msg::trial_id{id}).row.status == mlt::msg::trial_status::cancelled);
  }
}
