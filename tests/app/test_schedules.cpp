// Schedules from a config file in the real daemon: a fire within the test, its
// trial visible after a restart, no second fire, and the missed-run policies.
#include <catch2/catch.hpp>

#include <ctime>
#include <fstream>
#include <memory>
#include <thread>

#include <sqlite3.h>

#include "actors/store/trial_db.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

namespace {

std::string write_config(const std::string& dir, const std::string& schedules_json) {
  const auto path = dir + "/mltrainer.json";
  std::ofstream out(path);
  out << R"({"schedules": [)" << schedules_json << "]}\n";
  return path;
}

// Trials of `origin` from a list_trials frame: (id, status).
std::vector<std::pair<std::int64_t, std::string>> trials_of(mlt::net::ws_client& c, frame_reader& r,
                                                              const std::string& origin) {
  c.send(R"({"type":"list_trials","limit":100})");
  auto list = r.until("trials");
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (auto t : list.doc["trials"].get_array()) {
    std::string_view o, status;
    std::int64_t id = 0;
    if (!t["origin"].get_string().get(o) && o == origin && !t["trial_id"].get_int64().get(id) &&
        !t["status"].get_string().get(status))
      out.emplace_back(id, std::string(status));
  }
  return out;
}

std::int64_t count_rows(const std::string& state, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2((state + "/mltrainer.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

}  // namespace

TEST_CASE("a schedule from the config file fires in the daemon, its trial is listed after a restart, and it does not "
          "fire again", "[integration]") {
  const auto config_dir = mlt::test::fresh_dir("sched-config");
  std::string state, cron, config;
  std::int64_t id = 0;
  {
    // One fire time a few seconds from now (six-field cron with seconds,
    // UTC); a daemon slow to start on a loaded machine gets a later one.
    std::unique_ptr<daemon_process> started;
    for (int attempt = 0; attempt < 4 && !started; ++attempt) {
      const std::time_t at = std::time(nullptr) + 6 + 6 * attempt;
      std::tm tm{};
      gmtime_r(&at, &tm);
      cron = std::to_string(tm.tm_sec) + " " + std::to_string(tm.tm_min) + " " + std::to_string(tm.tm_hour) + " * * *";
      config = write_config(config_dir, R"(
        {"name": "soon", "cron": ")" + cron + R"(", "timezone": "UTC", "kind": "trial",
         "request": {"symbol": "SPY", "model": "logistic", "data_source": "synthetic"},
         "approved": true, "missed": "run_once"})");
      state = mlt::test::fresh_dir("sched-state-" + std::to_string(attempt));
      started = std::make_unique<daemon_process>(state, std::vector<std::string>{"--config", config});
      if (std::time(nullptr) >= at - 1) started.reset();  // too late to be sure it saw the time coming
    }
    REQUIRE(started);
    daemon_process& d = *started;
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port());
    frame_reader r(c);
    r.next();
    // Waits for the fire, then for the trial's report (written by the headless agent).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    std::string status;
    while (std::chrono::steady_clock::now() < deadline && status != "completed" && status != "failed") {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      auto t = trials_of(c, r, "schedule:soon");
      if (t.empty()) continue;
      REQUIRE(t.size() == 1);
      id = t[0].first;
      status = t[0].second;
    }
    INFO("cron " << cron);
    REQUIRE(id > 0);
    CHECK(status == "completed");
    CHECK(d.stop() == 0);
  }
  // Restarted after its fire time: the trial is there for whoever connects,
  // and the schedule does not run it again (run_once finds nothing missed).
  daemon_process d(state, {"--config", config});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto t = trials_of(c, r, "schedule:soon");
  REQUIRE(t.size() == 1);
  CHECK(t[0].first == id);
  CHECK(t[0].second == "completed");
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(id) + "}");
  auto trial = r.until("trial");
  double acc = -1;
  CHECK(!trial.doc["report"]["metrics"]["test"]["accuracy"].get_double().get(acc));
  CHECK(acc >= 0);
  // Someone arriving in the morning asks in words.
  c.send(R"({"type":"chat","text":"what ran overnight?"})");
  auto overnight = r.until("reply");
  CHECK(overnight.str("text").find("(schedule:soon)") != std::string::npos);
  CHECK(overnight.str("text").find("soon: last fired") != std::string::npos);
  CHECK(overnight.str("text").find("trial #" + std::to_string(id)) != std::string::npos);
  CHECK(d.stop() == 0);
}

TEST_CASE("runs missed while the daemon was down: run_once runs one, skip runs none, and neither repeats after a "
          "restart", "[integration]") {
  const auto state = mlt::test::fresh_dir("missed-state");
  const std::int64_t now = std::time(nullptr);
  {
    // The last fires were three days ago (a daily schedule missed three runs).
    mlt::store::trial_db db(state + "/mltrainer.db");
    REQUIRE(db.record_fire("once", now - 3 * 86400 - 60));
    REQUIRE(db.record_fire("skipper", now - 3 * 86400 - 60));
  }
  // Daily at the current minute's start + 1 h: not due during the test.
  const std::time_t later = now + 3600;
  std::tm tm{};
  gmtime_r(&later, &tm);
  const std::string cron = std::to_string(tm.tm_min) + " " + std::to_string(tm.tm_hour) + " * * *";
  const std::string request = R"("request": {"symbol": "SPY", "model": "logistic", "data_source": "synthetic"})";
  const auto config = write_config(mlt::test::fresh_dir("missed-config"), R"(
    {"name": "once", "cron": ")" + cron + R"(", "kind": "trial", )" + request + R"(, "approved": false,
     "missed": "run_once"},
    {"name": "skipper", "cron": ")" + cron + R"(", "kind": "trial", )" + request + R"(, "approved": false,
     "missed": "skip"})");
  const std::string once_sql = "SELECT COUNT(*) FROM proposals WHERE origin='schedule:once'";
  const std::string skip_sql = "SELECT COUNT(*) FROM proposals WHERE origin='schedule:skipper'";
  for (int round = 0; round < 2; ++round) {
    INFO("start " << round + 1);
    daemon_process d(state, {"--config", config});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && count_rows(state, once_sql) < 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::this_thread::sleep_for(std::chrono::seconds(1));
    CHECK(d.stop() == 0);
    CHECK(count_rows(state, once_sql) == 1);
    CHECK(count_rows(state, skip_sql) == 0);
  }
  mlt::store::trial_db db(state + "/mltrainer.db");
  auto pending = db.pending_proposals(10).proposals;
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].origin == "schedule:once");
  CHECK(pending[0].plan.symbol == "SPY");
  for (const auto& s : db.schedule_states(10).states) {
    if (s.name == "skipper") {
      CHECK(s.last_result.find("skipped 3 run(s)") != std::string::npos);
    } else {
      CHECK(s.name == "once");
      CHECK(s.last_fire_utc > now - 86400);  // the latest missed run, not one of the older ones
      CHECK(s.last_result.find("waits for the next person") != std::string::npos);
    }
  }
  // The next person who connects is offered the waiting proposal; approving
  // it runs a trial that lists under its schedule.
  daemon_process d(state, {"--config", config});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");
  auto offered = r.until("proposal", std::chrono::seconds(30));
  CHECK(offered.str("text").find("schedule:once proposed") != std::string::npos);
  c.send(R"({"type":"chat","text":"yes"})");
  auto ok = r.until("reply");
  const auto trial_id = static_cast<std::int64_t>(ok.num("trial_id"));
  REQUIRE(trial_id > 0);
  r.until("report", std::chrono::seconds(300));
  auto t = trials_of(c, r, "schedule:once");
  REQUIRE(t.size() == 1);
  CHECK(t[0].first == trial_id);
  CHECK(d.stop() == 0);
}
