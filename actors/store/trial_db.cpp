#include "actors/store/trial_db.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <stdexcept>
#include <vector>

#include <sqlite3.h>

#include "actors/store/legacy_json.hpp"
#include "actors/store/record_codec.hpp"
#include "actors/store/sqlite_stmt.hpp"
#include "messages/utc_time.hpp"
#include "ml/eval/dataset.hpp"

namespace mlt::store {

namespace {

const char* row_columns =
    "id, status, symbol, model, origin, created_at, updated_at, report_bin IS NOT NULL, "
    "test_accuracy, test_n, total_return, buy_hold_return, sharpe, error";

// Words this daemon does not know (a database a later version wrote, or one
// edited by hand) still read, so the trial and its transcript still show: a
// line as the daemon's own status line, a trial as failed with an error that
// names the word.
msg::event_speaker speaker_of(const std::string& word) {
  return msg::parse_event_speaker(word).value_or(msg::event_speaker::system);
}

msg::event_kind kind_of(const std::string& word) {
  return msg::parse_event_kind(word).value_or(msg::event_kind::status);
}

msg::trial_row read_row(stmt& s) {
  msg::trial_row r;
  r.trial_id = s.trial(0);
  const std::string status = s.text(1);
  r.status = msg::parse_trial_status(status).value_or(msg::trial_status::failed);
  r.symbol = s.text(2);
  r.model = s.text(3);
  r.origin = s.text(4);
  r.created_at = s.text(5);
  r.updated_at = s.text(6);
  r.has_report = s.i64(7) != 0;
  r.test_accuracy = s.f64(8);
  r.test_n = s.i64(9);
  r.total_return = s.f64(10);
  r.buy_hold_return = s.f64(11);
  r.sharpe = s.f64(12);
  r.error = s.text(13);
  if (!msg::parse_trial_status(status))
    r.error = "the database holds the unknown status '" + status + "'" + (r.error.empty() ? "" : "; " + r.error);
  return r;
}

// Each record kept typed; `what` names it in errors ("the plan of trial 3").
template <class T>
T read_record(const std::vector<char>& blob, const std::string& what) {
  T out;
  if (!decode_record(blob, out)) throw std::runtime_error(what + " is unreadable");
  return out;
}

}  // namespace

std::string utc_now_iso() { return msg::utc_iso(std::time(nullptr)); }

trial_db::trial_db(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string err = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("store: cannot open database " + path + ": " + err);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  exec("PRAGMA journal_mode=WAL");
  // FULL: a commit that returned is on disk, so an acknowledged record
  // survives kill -9 and power loss alike.
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA foreign_keys=ON");
  migrate();
}

trial_db::~trial_db() { sqlite3_close(db_); }

void trial_db::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("store: " + msg + " (" + path_ + ")");
  }
}

int trial_db::version() {
  stmt s(db_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.i64(0));
}

// ALTER TABLE has no IF NOT EXISTS; a half-migrated file may have the column.
void trial_db::add_column(const char* table, const char* column, const char* type) {
  {
    stmt s(db_, (std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name=?").c_str());
    s.bind(1, std::string(column));
    if (s.step()) return;
  }
  exec((std::string("ALTER TABLE ") + table + " ADD COLUMN " + column + " " + type).c_str());
}

namespace {

// The schema's steps: the SQL each version adds to the one before.
constexpr const char* schema_1_sql = R"sql(
    CREATE TABLE IF NOT EXISTS proposals (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      created_at TEXT NOT NULL,
      plan_json TEXT NOT NULL,
      text TEXT NOT NULL,
      approved_at TEXT,
      trial_id INTEGER
    );
    CREATE TABLE IF NOT EXISTS trials (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      proposal_id INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      status TEXT NOT NULL,
      origin TEXT NOT NULL,
      symbol TEXT NOT NULL,
      model TEXT NOT NULL,
      plan_json TEXT NOT NULL,
      report_json TEXT,
      test_accuracy REAL NOT NULL DEFAULT 0,
      test_n INTEGER NOT NULL DEFAULT 0,
      total_return REAL NOT NULL DEFAULT 0,
      buy_hold_return REAL NOT NULL DEFAULT 0,
      sharpe REAL NOT NULL DEFAULT 0,
      error TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS events (
      trial_id INTEGER NOT NULL REFERENCES trials(id),
      seq INTEGER NOT NULL,
      time_ms INTEGER NOT NULL,
      speaker TEXT NOT NULL,
      kind TEXT NOT NULL,
      text TEXT NOT NULL,
      data_json TEXT NOT NULL,
      PRIMARY KEY (trial_id, seq)
    );
    CREATE INDEX IF NOT EXISTS trials_status ON trials(status);
    PRAGMA user_version = 1;
  )sql";

constexpr const char* schema_2_sql = R"sql(
    CREATE TABLE IF NOT EXISTS paper_portfolios (
      symbol TEXT NOT NULL,
      model TEXT NOT NULL,
      trial_id INTEGER NOT NULL,
      state_json TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (symbol, model)
    );
    PRAGMA user_version = 2;
  )sql";

constexpr const char* schema_3_sql = R"sql(
    CREATE TABLE IF NOT EXISTS schedule_state (
      name TEXT PRIMARY KEY,
      last_fire_utc INTEGER NOT NULL,
      last_trial_id INTEGER NOT NULL DEFAULT 0,
      last_result TEXT NOT NULL DEFAULT '',
      updated_at TEXT NOT NULL
    );
  )sql";

// One row per trial: its last checkpoint, replaced as the trial goes on.
constexpr const char* schema_4_sql = R"sql(
    CREATE TABLE IF NOT EXISTS checkpoints (
      trial_id INTEGER PRIMARY KEY REFERENCES trials(id),
      updated_at TEXT NOT NULL,
      decisions INTEGER NOT NULL,
      configurations INTEGER NOT NULL,
      record BLOB NOT NULL
    );
    PRAGMA user_version = 4;
  )sql";

constexpr const char* schema_5_sql = R"sql(
    CREATE TABLE IF NOT EXISTS fitted_configurations (
      trial_id INTEGER NOT NULL,
      key INTEGER NOT NULL,
      symbol TEXT NOT NULL,
      target TEXT NOT NULL,
      model TEXT NOT NULL,
      params_json TEXT NOT NULL,
      source TEXT NOT NULL,
      sharpe REAL,
      sharpe_rows INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      PRIMARY KEY (trial_id, key)
    );
    CREATE INDEX IF NOT EXISTS fitted_configurations_target
      ON fitted_configurations(symbol COLLATE NOCASE, target);
  )sql";

// Universe trials' combined reports: a table of its own that no older table
// refers to, so it needs no schema step (an older build ignores it), and every
// database gets it, one already at the newest schema too.
constexpr const char* universe_reports_sql = R"sql(
    CREATE TABLE IF NOT EXISTS universe_reports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      created_at TEXT NOT NULL,
      universe TEXT NOT NULL,
      trial_ids TEXT NOT NULL,
      text TEXT NOT NULL,
      record BLOB NOT NULL
    );
  )sql";

}  // namespace

void trial_db::migrate() {
  const int v = version();
  if (v > schema_version)
    throw std::runtime_error("store: database " + path_ + " has schema version " + std::to_string(v) +
                             ", newer than this build (" + std::to_string(schema_version) + ")");
  const auto step = [&](const char* sql) {
    exec("BEGIN");
    exec(sql);
    exec("COMMIT");
  };
  if (v < 1) step(schema_1_sql);
  if (v < 2) step(schema_2_sql);
  if (v < 3) migrate_to_3();
  if (v < 4) step(schema_4_sql);
  if (v < 5) migrate_to_5(v);
  if (v < 6) migrate_to_6();
  exec(universe_reports_sql);
}

void trial_db::migrate_to_3() {
  exec("BEGIN");
  exec(schema_3_sql);
  add_column("proposals", "origin", "TEXT NOT NULL DEFAULT 'chat'");
  add_column("proposals", "pending", "INTEGER NOT NULL DEFAULT 0");
  add_column("proposals", "plan_bin", "BLOB");
  add_column("trials", "plan_bin", "BLOB");
  exec("CREATE INDEX IF NOT EXISTS proposals_pending ON proposals(pending); PRAGMA user_version = 3;");
  exec("COMMIT");
}

void trial_db::migrate_to_5(int from) {
  exec("BEGIN");
  try {
    exec(schema_5_sql);
    if (from >= 1) backfill_configurations();
    exec("PRAGMA user_version = 5");
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

void trial_db::migrate_to_6() {
  exec("BEGIN");
  try {
    migrate_to_typed_records();
    exec("PRAGMA user_version = 6");
    exec("COMMIT");
  } catch (const std::exception& e) {
    exec("ROLLBACK");
    throw std::runtime_error("store: cannot bring database " + path_ + " to schema 6: " + e.what());
  }
}

// Trials from before schema 5 left no per-configuration record, but their
// transcripts announce every fit ("Fitting MODEL (...)") and optimiser
// evaluation ("Optimiser evaluation i/n: ..."), and the bars they loaded
// ("Loaded N day bars of ..."): they count, without a Sharpe ratio.
void trial_db::backfill_configurations() {
  struct trial_info {
    std::string symbol;
    int horizon = 1;
  };
  std::map<std::int64_t, trial_info> info;
  {
    stmt s(db_, "SELECT id, symbol, plan_json FROM trials");
    while (s.step()) {
      trial_info t;
      t.symbol = s.text(1);
      msg::trial_plan plan;
      if (legacy::plan_from_json(s.text(2), plan)) t.horizon = std::max(1, static_cast<int>(plan.horizon));
      info[s.i64(0)] = t;
    }
  }
  stmt e(db_,
         "SELECT trial_id, seq, kind, text FROM events WHERE (kind='progress' AND (text LIKE 'Loaded %' OR "
         "text LIKE 'Optimiser evaluation %')) OR (kind='status' AND text LIKE 'Fitting %') ORDER BY trial_id, seq");
  std::int64_t trial = -1;
  std::string timespan = "day", model = "unknown";
  while (e.step()) {
    const std::int64_t id = e.i64(0);
    if (id != trial) {
      trial = id;
      timespan = "day";
      model = "unknown";
    }
    const std::string text = e.text(3);
    if (text.rfind("Loaded ", 0) == 0) {
      // "Loaded 2516 day bars of TSLA ..."
      const auto a = text.find(' ', 7), b = a == std::string::npos ? a : text.find(' ', a + 1);
      if (b != std::string::npos && text.compare(b, 6, " bars ") == 0) timespan = text.substr(a + 1, b - a - 1);
      continue;
    }
    const bool is_fit = text.rfind("Fitting ", 0) == 0;
    if (is_fit) {
      const auto end = text.find(' ', 8);
      model = text.substr(8, end == std::string::npos ? std::string::npos : end - 8);
    }
    auto it = info.find(id);
    if (it == info.end()) continue;
    // Schema 5's row (typed parameters came with schema 6); none were recorded.
    stmt s(db_, "INSERT OR IGNORE INTO fitted_configurations(trial_id, key, symbol, target, model, params_json, "
                "source, sharpe_rows, created_at) VALUES(?,?,?,?,?,'{}',?,0,?)");
    s.bind(1, id).bind(2, e.i64(1)).bind(3, it->second.symbol).bind(4, ml::target_name(it->second.horizon, timespan));
    s.bind(5, model).bind(6, std::string(is_fit ? "fit" : "optimizer")).bind(7, utc_now_iso());
    s.step();
  }
}

void trial_db::record_configuration(const msg::fitted_configuration& c) {
  stmt s(db_,
         "INSERT INTO fitted_configurations(trial_id, key, symbol, target, model, params_bin, source, sharpe, "
         "sharpe_rows, created_at) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(trial_id, key) DO UPDATE SET "
         "model=excluded.model, params_bin=excluded.params_bin, source=excluded.source, "
         "sharpe=COALESCE(excluded.sharpe, sharpe), sharpe_rows=MAX(excluded.sharpe_rows, sharpe_rows)");
  s.bind(1, c.trial_id).bind(2, c.key).bind(3, c.symbol).bind(4, c.target).bind(5, c.model)
      .bind(6, encode_record(c.params, "a configuration's parameters"));
  s.bind(7, c.source);
  if (c.has_sharpe && std::isfinite(c.sharpe)) s.bind(8, c.sharpe);
  else s.bind_null(8);
  s.bind(9, c.sharpe_rows).bind(10, utc_now_iso());
  s.step();
}

msg::multiple_testing trial_db::multiple_testing(const std::string& symbol, const std::string& target) {
  msg::multiple_testing out;
  out.symbol = symbol;
  out.target = target;
  {
    stmt s(db_, "SELECT COUNT(*), COUNT(DISTINCT trial_id) FROM fitted_configurations "
                "WHERE symbol=? COLLATE NOCASE AND target=?");
    s.bind(1, symbol).bind(2, target);
    s.step();
    out.configurations = s.i64(0);
    out.trials = s.i64(1);
  }
  std::vector<double> sharpes;
  stmt s(db_, "SELECT sharpe FROM fitted_configurations WHERE symbol=? COLLATE NOCASE AND target=? "
              "AND sharpe IS NOT NULL");
  s.bind(1, symbol).bind(2, target);
  while (s.step()) sharpes.push_back(s.f64(0));
  out.with_sharpe = static_cast<std::int64_t>(sharpes.size());
  if (sharpes.size() >= 2) {
    double mean = 0;
    for (double x : sharpes) mean += x;
    mean /= static_cast<double>(sharpes.size());
    double ss = 0;
    for (double x : sharpes) ss += (x - mean) * (x - mean);
    out.sharpe_variance = ss / static_cast<double>(sharpes.size() - 1);
  }
  return out;
}

msg::portfolio_record trial_db::portfolio(const std::string& symbol) {
  msg::portfolio_record r;
  stmt s(db_, "SELECT symbol, model, trial_id, state_bin, updated_at FROM paper_portfolios WHERE symbol=? "
              "ORDER BY updated_at DESC LIMIT 1");
  s.bind(1, symbol);
  if (!s.step()) return r;
  r.found = true;
  r.symbol = s.text(0);
  r.model = s.text(1);
  r.trial_id = s.trial(2);
  r.portfolio = read_record<ml::sim::paper_portfolio>(s.blob(3), "the paper portfolio of " + r.symbol);
  r.updated_at = s.text(4);
  return r;
}

void trial_db::save_portfolio(const msg::portfolio_record& p) {
  stmt s(db_, "INSERT OR REPLACE INTO paper_portfolios(symbol, model, trial_id, state_bin, updated_at) "
              "VALUES(?,?,?,?,?)");
  s.bind(1, p.symbol).bind(2, p.model).bind(3, p.trial_id).bind(4, encode_record(p.portfolio, "a paper portfolio"));
  s.bind(5, utc_now_iso());
  s.step();
}

msg::trial_record trial_db::latest_completed(const std::string& symbol) {
  msg::trial_id id;
  {
    stmt s(db_, "SELECT id FROM trials WHERE symbol=? AND status='completed' ORDER BY id DESC LIMIT 1");
    s.bind(1, symbol);
    if (!s.step()) return {};
    id = s.trial(0);
  }
  return get(id);
}

std::int64_t trial_db::save_universe_report(const msg::universe_report& r) {
  std::string ids;
  for (const auto& row : r.rows) ids += (ids.empty() ? "" : ",") + msg::to_string(row.trial_id);
  stmt s(db_, "INSERT INTO universe_reports(created_at, universe, trial_ids, text, record) VALUES(?,?,?,?,?)");
  s.bind(1, utc_now_iso()).bind(2, r.universe).bind(3, ids).bind(4, r.text)
      .bind(5, encode_record(r, "a universe report"));
  s.step();
  return sqlite3_last_insert_rowid(db_);
}

msg::universe_report trial_db::universe_report(std::int64_t id) {
  auto one = universe_reports(id, 1);
  return one.reports.empty() ? msg::universe_report{} : one.reports.front().report;
}

msg::universe_report_list trial_db::universe_reports(std::int64_t id, int limit) {
  msg::universe_report_list out;
  stmt s(db_, "SELECT id, created_at, record FROM universe_reports WHERE (?=0 OR id=?) ORDER BY id DESC LIMIT ?");
  s.bind(1, id).bind(2, id).bind(3, static_cast<std::int64_t>(limit));
  while (s.step()) {
    msg::stored_universe_report r;
    r.created_at = s.text(1);
    r.report = read_record<msg::universe_report>(s.blob(2), "universe report " + std::to_string(s.i64(0)));
    r.report.report_id = s.i64(0);
    out.reports.push_back(std::move(r));
  }
  return out;
}

msg::proposal_id trial_db::save_proposal(const msg::trial_plan& plan, const std::string& text) {
  stmt s(db_, "INSERT INTO proposals(created_at, text, plan_bin) VALUES(?,?,?)");
  s.bind(1, utc_now_iso()).bind(2, text).bind(3, encode_record(plan, "a plan"));
  s.step();
  return msg::proposal_id{sqlite3_last_insert_rowid(db_)};
}

msg::trial_id trial_db::create_trial(msg::proposal_id proposal_id, const msg::trial_plan& plan,
                                     const std::string& origin) {
  exec("BEGIN IMMEDIATE");
  try {
    if (proposal_id.known()) {
      // Two people may be offered the same waiting proposal; one trial only.
      stmt q(db_, "SELECT trial_id FROM proposals WHERE id=? AND trial_id IS NOT NULL");
      q.bind(1, proposal_id);
      if (q.step())
        throw std::runtime_error("proposal " + msg::to_string(proposal_id) + " was already approved (trial " +
                                 std::to_string(q.i64(0)) + ")");
    }
    const auto now = utc_now_iso();
    stmt s(db_,
           "INSERT INTO trials(proposal_id, created_at, updated_at, status, origin, symbol, model, plan_bin) "
           "VALUES(?,?,?,'queued',?,?,?,?)");
    s.bind(1, proposal_id).bind(2, now).bind(3, now).bind(4, origin).bind(5, plan.symbol).bind(6, plan.model);
    s.bind(7, encode_record(plan, "a plan"));
    s.step();
    const msg::trial_id id{sqlite3_last_insert_rowid(db_)};
    if (proposal_id.known()) {
      stmt p(db_, "UPDATE proposals SET approved_at=?, trial_id=?, pending=0 WHERE id=?");
      p.bind(1, now).bind(2, id).bind(3, proposal_id);
      p.step();
    }
    exec("COMMIT");
    return id;
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

void trial_db::append_event(const msg::trial_event& e) {
  stmt s(db_,
         "INSERT OR REPLACE INTO events(trial_id, seq, time_ms, speaker, kind, text, data_bin) "
         "VALUES(?,?,?,?,?,?,?)");
  s.bind(1, e.trial_id).bind(2, e.seq).bind(3, e.time_ms).bind(4, msg::to_string(e.speaker));
  s.bind(5, msg::to_string(e.kind)).bind(6, e.text);
  s.bind(7, encode_record(e.data, "a transcript line's data"));
  s.step();
}

void trial_db::set_status(msg::trial_id trial_id, msg::trial_status status, const std::string& error) {
  stmt s(db_, "UPDATE trials SET status=?, error=?, updated_at=? WHERE id=?");
  s.bind(1, msg::to_string(status)).bind(2, error).bind(3, utc_now_iso()).bind(4, trial_id);
  s.step();
}

void trial_db::save_report(const msg::trial_report& r) {
  const auto& sm = r.summary;
  stmt s(db_,
         "UPDATE trials SET status='completed', report_bin=?, model=?, test_accuracy=?, test_n=?, "
         "total_return=?, buy_hold_return=?, sharpe=?, updated_at=? WHERE id=?");
  s.bind(1, encode_record(r, "a report")).bind(2, sm.model);
  s.bind(3, sm.test.accuracy).bind(4, static_cast<std::int64_t>(sm.test.n)).bind(5, sm.paper.total_return);
  s.bind(6, sm.buy_hold.total_return).bind(7, sm.paper.sharpe).bind(8, utc_now_iso()).bind(9, sm.trial_id);
  s.step();
}

msg::trial_list trial_db::list(int limit) {
  msg::trial_list out;
  stmt s(db_, (std::string("SELECT ") + row_columns + " FROM trials ORDER BY id DESC LIMIT ?").c_str());
  s.bind(1, static_cast<std::int64_t>(limit));
  while (s.step()) out.trials.push_back(read_row(s));
  return out;
}

msg::trial_record trial_db::get(msg::trial_id trial_id) {
  msg::trial_record rec;
  const std::string of = " of trial " + msg::to_string(trial_id);
  {
    stmt s(db_, (std::string("SELECT ") + row_columns + ", plan_bin, report_bin FROM trials WHERE id=?").c_str());
    s.bind(1, trial_id);
    if (!s.step()) return rec;
    rec.found = true;
    rec.row = read_row(s);
    rec.plan = read_record<msg::trial_plan>(s.blob(14), "the plan" + of);
    if (rec.row.has_report) rec.report = read_record<msg::trial_report>(s.blob(15), "the report" + of);
  }
  stmt e(db_, "SELECT trial_id, seq, time_ms, speaker, kind, text, data_bin FROM events WHERE trial_id=? ORDER BY seq");
  e.bind(1, trial_id);
  while (e.step()) {
    msg::trial_event ev;
    ev.trial_id = e.trial(0);
    ev.seq = e.i64(1);
    ev.time_ms = e.i64(2);
    ev.speaker = speaker_of(e.text(3));
    ev.kind = kind_of(e.text(4));
    ev.text = e.text(5);
    ev.data = read_record<msg::event_data>(e.blob(6), "the data of transcript line " + std::to_string(ev.seq) + of);
    rec.transcript.push_back(std::move(ev));
  }
  return rec;
}

int trial_db::interrupt_running(const std::string& reason) {
  stmt s(db_, "UPDATE trials SET status='interrupted', error=?, updated_at=? WHERE status IN ('queued','running')");
  s.bind(1, reason).bind(2, utc_now_iso());
  s.step();
  return sqlite3_changes(db_);
}

std::map<std::string, std::int64_t> trial_db::count_by_status() {
  std::map<std::string, std::int64_t> out;
  stmt s(db_, "SELECT status, COUNT(*) FROM trials GROUP BY status");
  while (s.step()) out[s.text(0)] = s.i64(1);
  return out;
}

msg::proposal_id trial_db::save_pending_proposal(const msg::trial_plan& plan, const std::string& text,
                                                 const std::string& origin) {
  exec("BEGIN IMMEDIATE");
  try {
    stmt old(db_, "UPDATE proposals SET pending=0 WHERE pending=1 AND origin=?");
    old.bind(1, origin);
    old.step();
    stmt s(db_, "INSERT INTO proposals(created_at, text, plan_bin, origin, pending) VALUES(?,?,?,?,1)");
    s.bind(1, utc_now_iso()).bind(2, text).bind(3, encode_record(plan, "a plan")).bind(4, origin);
    s.step();
    const msg::proposal_id id{sqlite3_last_insert_rowid(db_)};
    exec("COMMIT");
    return id;
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

msg::pending_proposal_list trial_db::pending_proposals(int limit) {
  msg::pending_proposal_list out;
  stmt s(db_, "SELECT id, created_at, origin, plan_bin, text FROM proposals WHERE pending=1 "
              "ORDER BY id LIMIT ?");
  s.bind(1, static_cast<std::int64_t>(limit));
  while (s.step()) {
    msg::pending_proposal p;
    p.proposal_id = msg::proposal_id{s.i64(0)};
    p.created_at = s.text(1);
    p.origin = s.text(2);
    p.plan = read_record<msg::trial_plan>(s.blob(3), "store: the plan of proposal " + msg::to_string(p.proposal_id));
    p.text = s.text(4);
    out.proposals.push_back(std::move(p));
  }
  return out;
}

bool trial_db::dismiss_proposal(msg::proposal_id proposal_id) {
  stmt s(db_, "UPDATE proposals SET pending=0 WHERE id=? AND pending=1");
  s.bind(1, proposal_id);
  s.step();
  return sqlite3_changes(db_) > 0;
}

msg::reopened_trial trial_db::reopen_trial(msg::trial_id trial_id) {
  exec("BEGIN IMMEDIATE");
  try {
    msg::reopened_trial out;
    out.trial_id = trial_id;
    std::string error;
    {
      stmt s(db_, "SELECT status, origin, plan_bin, error FROM trials WHERE id=?");
      s.bind(1, trial_id);
      if (!s.step()) throw std::runtime_error("there is no trial " + msg::to_string(trial_id));
      const std::string status = s.text(0);
      const auto previous = msg::parse_trial_status(status);
      out.origin = s.text(1);
      if (previous != msg::trial_status::interrupted && previous != msg::trial_status::failed)
        throw std::runtime_error("trial " + msg::to_string(trial_id) + " is " + status +
                                 "; only an interrupted or failed trial can be resumed");
      out.previous_status = *previous;
      out.plan = read_record<msg::trial_plan>(s.blob(2), "the stored plan of trial " + msg::to_string(trial_id));
      error = s.text(3);
    }
    {
      stmt s(db_, "SELECT COALESCE(MAX(seq), 0) FROM events WHERE trial_id=?");
      s.bind(1, trial_id);
      s.step();
      out.last_seq = s.i64(0) + 1;
    }
    // A checkpoint that cannot be read costs redone work, not the trial.
    std::string unreadable;
    try {
      out.checkpoint = checkpoint(trial_id);
    } catch (const std::runtime_error& err) {
      out.checkpoint = msg::trial_checkpoint{};
      out.checkpoint.trial_id = trial_id;
      unreadable = std::string(err.what()) + ", so ";
    }
    msg::trial_event e;
    e.trial_id = trial_id;
    e.seq = out.last_seq;
    e.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    e.speaker = msg::event_speaker::system;
    e.kind = msg::event_kind::status;
    e.text =
        "Trial " + msg::to_string(trial_id) + " resumed after interruption (it was " +
        msg::to_string(out.previous_status) + (error.empty() ? "" : ": " + error) + "); " +
        (out.checkpoint.answers.empty()
             ? (unreadable.empty() ? std::string("no decision had been made, so ") : unreadable) +
                   "it runs again from the start with the approved plan."
             : "it continues from its checkpoint after decision " + std::to_string(out.checkpoint.decisions) + ".");
    append_event(e);
    stmt u(db_, "UPDATE trials SET status='queued', error='', report_bin=NULL, updated_at=? WHERE id=?");
    u.bind(1, utc_now_iso()).bind(2, trial_id);
    u.step();
    exec("COMMIT");
    return out;
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

void trial_db::save_checkpoint(const msg::trial_checkpoint& c) {
  stmt s(db_, "INSERT OR REPLACE INTO checkpoints(trial_id, updated_at, decisions, configurations, record) "
              "VALUES(?,?,?,?,?)");
  s.bind(1, c.trial_id).bind(2, utc_now_iso()).bind(3, static_cast<std::int64_t>(c.decisions))
      .bind(4, static_cast<std::int64_t>(c.configurations)).bind(5, encode_record(c, "a checkpoint"));
  s.step();
}

msg::trial_checkpoint trial_db::checkpoint(msg::trial_id trial_id) {
  msg::trial_checkpoint out;
  out.trial_id = trial_id;
  stmt s(db_, "SELECT record FROM checkpoints WHERE trial_id=?");
  s.bind(1, trial_id);
  if (s.step() && !decode_record(s.blob(0), out))
    throw std::runtime_error("the checkpoint of trial " + msg::to_string(trial_id) + " is unreadable");
  return out;
}

bool trial_db::record_fire(const std::string& name, std::int64_t fire_utc) {
  stmt s(db_,
         "INSERT INTO schedule_state(name, last_fire_utc, updated_at) VALUES(?,?,?) "
         "ON CONFLICT(name) DO UPDATE SET last_fire_utc=excluded.last_fire_utc, updated_at=excluded.updated_at "
         "WHERE excluded.last_fire_utc > schedule_state.last_fire_utc");
  s.bind(1, name).bind(2, fire_utc).bind(3, utc_now_iso());
  s.step();
  return sqlite3_changes(db_) > 0;
}

void trial_db::record_schedule_outcome(const std::string& name, msg::trial_id trial_id, const std::string& text) {
  stmt s(db_,
         "UPDATE schedule_state SET last_trial_id=CASE WHEN ?>0 THEN ? ELSE last_trial_id END, last_result=?, "
         "updated_at=? WHERE name=?");
  s.bind(1, trial_id).bind(2, trial_id).bind(3, text).bind(4, utc_now_iso()).bind(5, name);
  s.step();
}

msg::schedule_state_list trial_db::schedule_states(int limit) {
  msg::schedule_state_list out;
  stmt s(db_, "SELECT name, last_fire_utc, last_trial_id, last_result, updated_at FROM schedule_state ORDER BY name "
              "LIMIT ?");
  s.bind(1, static_cast<std::int64_t>(limit));
  while (s.step()) {
    msg::schedule_state st;
    st.name = s.text(0);
    st.last_fire_utc = s.i64(1);
    st.last_trial_id = s.trial(2);
    st.last_result = s.text(3);
    st.updated_at = s.text(4);
    out.states.push_back(std::move(st));
  }
  return out;
}

}  // namespace mlt::store
