#pragma once
/// The durable record (SQLite, WAL): proposals, trials, transcripts, reports.
/// Plans, reports, portfolios and checkpoints are kept as typed records
/// (record_codec.hpp) and returned typed; JSON is the edge's business.
/// Not thread-safe: owned by the store actor.

#include <cstdint>
#include <map>
#include <string>

#include "messages/paper_msgs.hpp"
#include "messages/schedule_msgs.hpp"
#include "messages/store_msgs.hpp"
#include "messages/universe_msgs.hpp"

struct sqlite3;

namespace mlt::store {

class trial_db {
public:
  /// Opens (creating if needed) the database at `path` and migrates it to
  /// the current schema; throws std::runtime_error naming the path.
  explicit trial_db(const std::string& path);
  ~trial_db();
  trial_db(const trial_db&) = delete;
  trial_db& operator=(const trial_db&) = delete;

  static constexpr int schema_version = 6;
  /// How long a statement waits for another process's lock on the database
  /// before it fails with "database is locked" (the README's "Faults survived").
  static constexpr int busy_timeout_ms = 5000;

  msg::proposal_id save_proposal(const msg::trial_plan& plan, const std::string& text);
  /// Marks the proposal approved (if any) and creates a queued trial.
  msg::trial_id create_trial(msg::proposal_id proposal_id, const msg::trial_plan& plan, const std::string& origin);
  void append_event(const msg::trial_event& e);
  void set_status(msg::trial_id trial_id, msg::trial_status status, const std::string& error);
  void save_report(const msg::trial_report& r);
  msg::trial_list list(int limit);
  msg::trial_record get(msg::trial_id trial_id);
  /// Queued or running trials become interrupted; returns how many.
  int interrupt_running(const std::string& reason);
  /// How many trials are in each status (statuses with none are absent).
  std::map<std::string, std::int64_t> count_by_status();
  int version();
  msg::portfolio_record portfolio(const std::string& symbol);
  void save_portfolio(const msg::portfolio_record& p);
  /// The newest completed trial of `symbol` (found = false if none).
  msg::trial_record latest_completed(const std::string& symbol);

  /// A proposal waiting for the next person (origin "schedule:NAME"); an
  /// earlier unanswered one of the same origin stops waiting.
  msg::proposal_id save_pending_proposal(const msg::trial_plan& plan, const std::string& text,
                                         const std::string& origin);
  /// Waiting proposals, oldest first.
  msg::pending_proposal_list pending_proposals(int limit);
  /// Stops a proposal waiting; false if it was not waiting.
  bool dismiss_proposal(msg::proposal_id proposal_id);
  /// Interrupted or failed -> queued, with a transcript line saying so and
  /// the trial's last checkpoint;
  /// throws std::runtime_error naming why it cannot (unknown, other status).
  msg::reopened_trial reopen_trial(msg::trial_id trial_id);

  /// Replaces the trial's checkpoint.
  void save_checkpoint(const msg::trial_checkpoint& c);
  /// The trial's last checkpoint; one with no answers and zero counts if none
  /// was saved (a trial stopped before its first decision, or stored before
  /// schema 4). Throws if the stored record is unreadable.
  msg::trial_checkpoint checkpoint(msg::trial_id trial_id);
  /// Records a fitted configuration, or completes the one with the same trial
  /// and key (its validation Sharpe once measured).
  void record_configuration(const msg::fitted_configuration& c);
  /// Every configuration fitted for `symbol` (any case) and `target` on this
  /// daemon, and the variance of their measured Sharpe ratios.
  msg::multiple_testing multiple_testing(const std::string& symbol, const std::string& target);

  /// Records that schedule `name` fires for `fire_utc`; false (and nothing
  /// changes) if it already fired for that time or a later one.
  bool record_fire(const std::string& name, std::int64_t fire_utc);
  void record_schedule_outcome(const std::string& name, msg::trial_id trial_id, const std::string& text);
  msg::schedule_state_list schedule_states(int limit);
  /// Keeps a universe trial's combined report; answers its id.
  std::int64_t save_universe_report(const msg::universe_report& r);
  /// The combined report `id` (report_id 0 when there is none).
  msg::universe_report universe_report(std::int64_t id);
  /// The newest `limit` combined reports, or only report `id` when id > 0.
  msg::universe_report_list universe_reports(std::int64_t id, int limit);

private:
  void exec(const char* sql);
  void migrate();
  void migrate_to_3();
  void migrate_to_5(int from);  ///< `from`: the version before migrating
  void migrate_to_6();
  void add_column(const char* table, const char* column, const char* type);
  void backfill_configurations();
  /// Schema 6: plans, reports, portfolios, checkpoints, parameters and
  /// transcript payloads become typed records (record_codec.hpp); the JSON
  /// columns go.
  void migrate_to_typed_records();
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now_iso();

}  // namespace mlt::store
