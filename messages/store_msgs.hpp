#pragma once
/// Requests to the store actor and what it answers.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/plan.hpp"
#include "messages/trial.hpp"

namespace mlt::msg {

/// Record a proposal; the store answers with its id (std::int64_t).
struct save_proposal {
  trial_plan plan;
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_proposal& x) {
  return f(caf::meta::type_name("save_proposal"), x.plan, x.text);
}

/// Record an approval and create the trial; answers the new trial id.
struct create_trial {
  std::int64_t proposal_id = 0;
  trial_plan plan;
  std::string origin;  ///< "chat" | "schedule:NAME"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_trial& x) {
  return f(caf::meta::type_name("create_trial"), x.proposal_id, x.plan, x.origin);
}

/// Append one transcript line (fire and forget).
struct record_event {
  trial_event event;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_event& x) {
  return f(caf::meta::type_name("record_event"), x.event);
}

/// Change a trial's status (queued, running, completed, failed, cancelled, interrupted).
struct set_trial_status {
  std::int64_t trial_id = 0;
  std::string status;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_trial_status& x) {
  return f(caf::meta::type_name("set_trial_status"), x.trial_id, x.status, x.error);
}

/// Store the final result; answers true when durable.
struct save_report {
  trial_report report;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_report& x) {
  return f(caf::meta::type_name("save_report"), x.report);
}

/// List recent trials; answers trial_list.
struct list_trials_query {
  std::int32_t limit = 50;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_trials_query& x) {
  return f(caf::meta::type_name("list_trials_query"), x.limit);
}

/// One trial as a list row.
struct trial_row {
  std::int64_t trial_id = 0;
  std::string status;
  std::string symbol;
  std::string model;
  std::string origin;
  std::string created_at;  ///< ISO 8601 UTC
  std::string updated_at;
  bool has_report = false;
  double test_accuracy = 0;
  std::int64_t test_n = 0;
  double total_return = 0;
  double buy_hold_return = 0;
  double sharpe = 0;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_row& x) {
  return f(caf::meta::type_name("trial_row"), x.trial_id, x.status, x.symbol, x.model, x.origin,
           x.created_at, x.updated_at, x.has_report, x.test_accuracy, x.test_n, x.total_return,
           x.buy_hold_return, x.sharpe, x.error);
}

struct trial_list {
  std::vector<trial_row> trials;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_list& x) {
  return f(caf::meta::type_name("trial_list"), x.trials);
}

/// Fetch one trial; answers trial_record (found = false when unknown).
struct get_trial_query {
  std::int64_t trial_id = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_trial_query& x) {
  return f(caf::meta::type_name("get_trial_query"), x.trial_id);
}

struct trial_record {
  bool found = false;
  trial_row row;
  std::string plan_json;
  std::string report_json;  ///< the report frame as stored, "" if none
  std::vector<trial_event> transcript;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_record& x) {
  return f(caf::meta::type_name("trial_record"), x.found, x.row, x.plan_json, x.report_json,
           x.transcript);
}

/// Mark every trial still queued or running as interrupted (start-up and
/// shutdown); answers the number of trials changed.
struct interrupt_running {
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interrupt_running& x) {
  return f(caf::meta::type_name("interrupt_running"), x.reason);
}

/// Count trials by status (for GET /metrics); answers trial_counts.
struct trial_counts_query {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_counts_query&) {
  return f(caf::meta::type_name("trial_counts_query"));
}

struct trial_counts {
  std::map<std::string, std::int64_t> by_status;  ///< only statuses that occur
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_counts& x) {
  return f(caf::meta::type_name("trial_counts"), x.by_status);
}

}  // namespace mlt::msg
