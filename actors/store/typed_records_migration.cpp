// Schema 5 -> 6: the store keeps typed records instead of JSON (plans,
// reports, portfolios, checkpoints, parameters, transcript payloads). Every row is
// rewritten once, inside the migration's transaction: a row that cannot be
// read stops the migration (the file stays at schema 5, untouched) and the
// error names it.
#include <string>
#include <utility>
#include <vector>

#include "actors/store/legacy_json.hpp"
#include "actors/store/record_codec.hpp"
#include "actors/store/sqlite_stmt.hpp"
#include "actors/store/trial_db.hpp"
#include "messages/sim_inspect.hpp"
#include "ml/sim/portfolio.hpp"

namespace mlt::store {

namespace {

// Sets `column` of each row of `table` that `where` selects to
// `convert(row)`; the row's columns are rowid, then `sources`.
template <class Convert>
void rewrite(sqlite3* db, const std::string& table, const std::string& column, const std::string& sources,
             const std::string& where, Convert convert) {
  std::vector<std::pair<std::int64_t, std::vector<char>>> rows;
  {
    stmt s(db, ("SELECT rowid, " + sources + " FROM " + table + " " + where).c_str());
    while (s.step()) rows.emplace_back(s.i64(0), convert(s));
  }
  stmt u(db, ("UPDATE " + table + " SET " + column + "=? WHERE rowid=?").c_str());
  for (const auto& [rowid, bytes] : rows) {
    u.bind(1, bytes).bind(2, rowid);
    u.step();
    u.reset();
  }
}

// Schemas 3 to 5 kept the plan as approved in plan_bin (bare CAF bytes) and
// its readable form in plan_json; rows from before schema 3 have only the
// JSON, which lacks `pinned`.
std::vector<char> plan_record(stmt& s, const char* what) {
  msg::trial_plan plan;
  if (!from_caf_bytes(s.blob(1), plan) && !legacy::plan_from_json(s.text(2), plan))
    throw std::runtime_error("the plan of " + std::string(what) + " " + std::to_string(s.i64(0)) + " is unreadable");
  return encode_record(plan, "a plan");
}

}  // namespace

void trial_db::migrate_to_typed_records() {
  add_column("trials", "report_bin", "BLOB");
  add_column("paper_portfolios", "state_bin", "BLOB");
  add_column("fitted_configurations", "params_bin", "BLOB");
  add_column("events", "data_bin", "BLOB");

  rewrite(db_, "proposals", "plan_bin", "plan_bin, plan_json", "", [](stmt& s) { return plan_record(s, "proposal"); });
  rewrite(db_, "trials", "plan_bin", "plan_bin, plan_json", "", [](stmt& s) { return plan_record(s, "trial"); });
  // The report frame as stored, read over the plan as approved.
  rewrite(db_, "trials", "report_bin", "plan_bin, report_json", "WHERE report_json IS NOT NULL", [](stmt& s) {
    msg::trial_plan approved;
    msg::trial_report report;
    if (!decode_record(s.blob(1), approved) || !legacy::report_from_json(s.text(2), approved, report))
      throw std::runtime_error("the report of trial " + std::to_string(s.i64(0)) + " is unreadable");
    return encode_record(report, "a report");
  });
  // A checkpoint that cannot be read stays so: a resume then starts over, as before.
  rewrite(db_, "checkpoints", "record", "record", "", [](stmt& s) {
    const auto bin = s.blob(1);
    msg::trial_checkpoint c;
    return from_caf_bytes(bin, c) ? encode_record(c, "a checkpoint") : bin;
  });
  rewrite(db_, "paper_portfolios", "state_bin", "symbol, state_json", "", [](stmt& s) {
    try {
      return encode_record(ml::sim::portfolio_from_json(s.text(2)), "a paper portfolio");
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("the paper portfolio of " + s.text(1) + " is unreadable: " + e.what());
    }
  });
  rewrite(db_, "fitted_configurations", "params_bin", "params_json, trial_id", "", [](stmt& s) {
    std::map<std::string, double> params;
    if (!legacy::params_from_json(s.text(1), params))
      throw std::runtime_error("the parameters of a configuration of trial " + std::to_string(s.i64(2)) +
                               " are unreadable");
    return encode_record(params, "a configuration's parameters");
  });

  rewrite(db_, "events", "data_bin", "data_json, trial_id, seq", "", [](stmt& s) {
    msg::event_data data;
    if (!legacy::event_data_from_json(s.text(1), data))
      throw std::runtime_error("the data of transcript line " + std::to_string(s.i64(3)) + " of trial " +
                               std::to_string(s.i64(2)) + " is unreadable");
    return encode_record(data, "a transcript line's data");
  });

  exec("ALTER TABLE proposals DROP COLUMN plan_json");
  exec("ALTER TABLE trials DROP COLUMN plan_json");
  exec("ALTER TABLE trials DROP COLUMN report_json");
  exec("ALTER TABLE paper_portfolios DROP COLUMN state_json");
  exec("ALTER TABLE fitted_configurations DROP COLUMN params_json");
  exec("ALTER TABLE events DROP COLUMN data_json");
}

}  // namespace mlt::store
