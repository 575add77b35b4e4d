#include <catch2/catch.hpp>

#include <filesystem>

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
}  // namespace

TEST_CASE("the store keeps proposals, trials, transcripts and reports across reopening") {
  const auto path = temp_db("store.db");
  std::int64_t trial = 0;
  {
    store::trial_db db(path);
    CHECK(db.version() == store::trial_db::schema_version);
    msg::trial_plan plan;
    plan.symbol = "TSLA";
    plan.model = "xgboost";
    auto pid = db.save_proposal(plan, "plan text");
    trial = db.create_trial(pid, plan, "chat");
    CHECK(trial > 0);
    db.set_status(trial, "running", "");
    for (int i = 1; i <= 3; ++i) {
      msg::trial_event e;
      e.trial_id = trial;
      e.seq = i;
      e.speaker = i % 2 ? "engine" : "mlTrainer";
      e.kind = "status";
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
  CHECK(rec.row.status == "completed");
  CHECK(rec.row.model == "logistic");
  CHECK(rec.row.test_accuracy == Approx(0.53));
  CHECK(rec.transcript.size() == 3);
  CHECK(rec.transcript[2].text == "line 3");
  CHECK(rec.report_json.find("\"accuracy\":0.53") != std::string::npos);
  CHECK(db.list(10).trials.size() == 1);
  CHECK_FALSE(db.get(trial + 100).found);
}

TEST_CASE("trials left running by a crash are marked interrupted, finished ones are not") {
  const auto path = temp_db("interrupt.db");
  store::trial_db db(path);
  msg::trial_plan plan;
  plan.symbol = "AAPL";
  auto a = db.create_trial(0, plan, "chat");
  auto b = db.create_trial(0, plan, "chat");
  db.set_status(a, "running", "");
  db.set_status(b, "failed", "boom");
  CHECK(db.interrupt_running("daemon restarted") == 1);
  CHECK(db.get(a).row.status == "interrupted");
  CHECK(db.get(b).row.status == "failed");
}

TEST_CASE("a version-1 database is migrated and keeps its trials; portfolios persist") {
  const auto path = temp_db("migrate.db");
  std::int64_t id = 0;
  {
    store::trial_db db(path);
    msg::trial_plan plan;
    plan.symbol = "SPY";
    id = db.create_trial(0, plan, "chat");
  }
  {
    // Turn it back into a version-1 file: no portfolio table.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "DROP TABLE paper_portfolios; PRAGMA user_version = 1;", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(raw);
  }
  store::trial_db db(path);
  CHECK(db.version() == 2);
  CHECK(db.get(id).found);
  CHECK_FALSE(db.portfolio("SPY").found);
  msg::portfolio_record p{true, "SPY", "xgboost", id, R"({"x":1})", ""};
  db.save_portfolio(p);
  auto back = db.portfolio("SPY");
  CHECK(back.found);
  CHECK(back.trial_id == id);
  CHECK(back.state_json == R"({"x":1})");
}
