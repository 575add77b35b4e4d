#pragma once
/// Requests to the store actor and what it answers.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include "messages/ids.hpp"
#include "messages/negotiation.hpp"
#include "messages/plan.hpp"
#include "messages/trial.hpp"
#include "messages/vocabulary.hpp"
#include "messages/word_field.hpp"
#include "messages/work.hpp"

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
  msg::proposal_id proposal_id;
  trial_plan plan;
  std::string origin;  ///< "chat" | "schedule:NAME"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_trial& x) {
  return f(caf::meta::type_name("create_trial"), x.proposal_id, x.plan, x.origin);
}

/// Append one transcript line (fire and forget). The store sends the line
/// on to `forward_to` (if valid) only once it is committed, so nobody sees a
/// line that a crash could still lose.
struct record_event {
  trial_event event;
  caf::actor forward_to;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_event& x) {
  return f(caf::meta::type_name("record_event"), x.event, x.forward_to);
}

/// Deliver `content` to `to` after everything the store received before it
/// is committed (keeps a report frame behind the transcript lines it ends).
struct relay_after_commit {
  caf::actor to;
  caf::message content;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_after_commit& x) {
  return f(caf::meta::type_name("relay_after_commit"), x.to, x.content);
}

/// Change a trial's status (queued, running, completed, failed, cancelled, interrupted).
struct set_trial_status {
  msg::trial_id trial_id;
  trial_status status = trial_status::queued;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_trial_status& x) {
  auto status_word = word_field(x.status, trial_status_words, "status");
  return f(caf::meta::type_name("set_trial_status"), x.trial_id, status_word, x.error);
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
  msg::trial_id trial_id;
  trial_status status = trial_status::queued;
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
  auto status_word = word_field(x.status, trial_status_words, "status");
  return f(caf::meta::type_name("trial_row"), x.trial_id, status_word, x.symbol, x.model, x.origin,
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
  msg::trial_id trial_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_trial_query& x) {
  return f(caf::meta::type_name("get_trial_query"), x.trial_id);
}

struct trial_record {
  bool found = false;
  trial_row row;
  trial_plan plan;      ///< as approved (the report's summary holds the plan as finally run)
  trial_report report;  ///< meaningful only when row.has_report
  std::vector<trial_event> transcript;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_record& x) {
  return f(caf::meta::type_name("trial_record"), x.found, x.row, x.plan, x.report, x.transcript);
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

/// Record a proposal that waits for the next person who connects (a
/// scheduled run with approved: false); answers its id. It replaces any
/// earlier unanswered proposal of the same origin.
struct save_pending_proposal {
  trial_plan plan;
  std::string text;
  std::string origin;  ///< "schedule:NAME"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_pending_proposal& x) {
  return f(caf::meta::type_name("save_pending_proposal"), x.plan, x.text, x.origin);
}

/// Proposals still waiting for someone; answers pending_proposal_list,
/// oldest first. Approving one (create_trial with its id) or dismissing it
/// takes it off the list.
struct pending_proposals_query {
  std::int32_t limit = 20;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pending_proposals_query& x) {
  return f(caf::meta::type_name("pending_proposals_query"), x.limit);
}

struct pending_proposal {
  msg::proposal_id proposal_id;
  std::string created_at;  ///< ISO 8601 UTC
  std::string origin;
  trial_plan plan;
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pending_proposal& x) {
  return f(caf::meta::type_name("pending_proposal"), x.proposal_id, x.created_at, x.origin, x.plan, x.text);
}

struct pending_proposal_list {
  std::vector<pending_proposal> proposals;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pending_proposal_list& x) {
  return f(caf::meta::type_name("pending_proposal_list"), x.proposals);
}

/// Take a pending proposal off the list without running it; answers true if
/// it was pending.
struct dismiss_proposal {
  msg::proposal_id proposal_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dismiss_proposal& x) {
  return f(caf::meta::type_name("dismiss_proposal"), x.proposal_id);
}

/// Put an interrupted or failed trial back to queued, recording "resumed after
/// interruption" in its transcript; answers reopened_trial with the trial's
/// last checkpoint, or an error naming
/// why not (unknown trial, or a status that cannot be resumed).
struct reopen_trial {
  msg::trial_id trial_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reopen_trial& x) {
  return f(caf::meta::type_name("reopen_trial"), x.trial_id);
}

/// One answer the agent gave, with the question it answered: on resume the
/// engine re-applies it at the same question instead of asking again.
struct recorded_decision {
  msg::question question = question::volatility;
  std::string model;       ///< the model the question was about ("" for volatility)
  std::int64_t step = 0;   ///< the fit step of a progress question, else 0
  decision answer;         ///< as the agent (or the fallback) gave it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recorded_decision& x) {
  // Stored by its word, as checkpoints were before the question was typed.
  auto question_word = word_field(x.question, question_words, "question");
  return f(caf::meta::type_name("recorded_decision"), question_word, x.model, x.step, x.answer);
}

/// A finished optimiser run: on resume its outcome is re-applied, not searched again.
struct recorded_optimization {
  std::string model;
  std::int32_t budget = 0;
  optimize_outcome outcome;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recorded_optimization& x) {
  return f(caf::meta::type_name("recorded_optimization"), x.model, x.budget, x.outcome);
}

/// A trial's work as of its last completed decision (or started fit or
/// finished optimisation). `decisions` and `configurations` are the budget
/// spent and the configurations fitted, which a resume keeps.
struct trial_checkpoint {
  msg::trial_id trial_id;
  std::int32_t decisions = 0;
  std::int32_t configurations = 0;
  std::vector<std::string> models_tried;
  // The plan as modified so far.
  double train_ratio = 0;
  double val_ratio = 0;
  std::string model;
  std::map<std::string, double> params;
  std::vector<recorded_decision> answers;           ///< in the order given
  std::vector<recorded_optimization> optimizations;  ///< in the order run
  // The bars the answers were given on; a resume that loads others asks again.
  std::int64_t bars = 0;
  std::string first_date;
  std::string last_date;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_checkpoint& x) {
  return f(caf::meta::type_name("trial_checkpoint"), x.trial_id, x.decisions, x.configurations, x.models_tried,
           x.train_ratio, x.val_ratio, x.model, x.params, x.answers, x.optimizations, x.bars, x.first_date,
           x.last_date);
}

/// Replace the trial's checkpoint (fire and forget; committed in mailbox
/// order with the transcript lines around it).
struct save_checkpoint {
  trial_checkpoint checkpoint;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_checkpoint& x) {
  return f(caf::meta::type_name("save_checkpoint"), x.checkpoint);
}

struct reopened_trial {
  msg::trial_id trial_id;
  trial_plan plan;              ///< as approved
  std::string origin;
  trial_status previous_status = trial_status::interrupted;  ///< interrupted | failed
  std::int64_t last_seq = 0;    ///< the transcript's last line; the engine continues after it
  trial_checkpoint checkpoint;  ///< empty (no answers, no counts) if the trial made no decision
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reopened_trial& x) {
  auto previous_word = word_field(x.previous_status, trial_status_words, "status");
  return f(caf::meta::type_name("reopened_trial"), x.trial_id, x.plan, x.origin, previous_word,
           x.last_seq, x.checkpoint);
}

/// One fitted configuration, for the deflated Sharpe ratio's count. `key` is
/// its position among the trial's configurations (1, 2, ...), so a resumed
/// trial that redoes them records the same keys (trials stored before schema 5
/// use the seq of the transcript line that announced them).
struct fitted_configuration {
  msg::trial_id trial_id;
  std::int64_t key = 0;
  std::string symbol;
  std::string target;                 ///< "direction-1d"
  std::string model;
  std::map<std::string, double> params;
  std::string source;                 ///< "fit" | "optimizer"
  bool has_sharpe = false;            ///< measured (a finished fit) or not (stopped, optimiser)
  double sharpe = 0;                  ///< ml::sim::signal_sharpe on the configuration-choice rows
  std::int64_t sharpe_rows = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fitted_configuration& x) {
  return f(caf::meta::type_name("fitted_configuration"), x.trial_id, x.key, x.symbol, x.target,
           x.model, x.params, x.source, x.has_sharpe, x.sharpe, x.sharpe_rows);
}

/// Record (or, with the same trial and key, complete) a fitted configuration;
/// fire and forget.
struct record_configuration {
  fitted_configuration config;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_configuration& x) {
  return f(caf::meta::type_name("record_configuration"), x.config);
}

/// How many configurations were fitted for a symbol and target on this
/// daemon and how their Sharpe ratios vary; answers multiple_testing.
struct multiple_testing_query {
  std::string symbol;
  std::string target;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, multiple_testing_query& x) {
  return f(caf::meta::type_name("multiple_testing_query"), x.symbol, x.target);
}

}  // namespace mlt::msg
