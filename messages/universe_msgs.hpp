#pragma once
/// A universe trial's combined report: one plan run once per symbol (and
/// model), side by side, with a pooled line across symbols. The agent builds
/// it when every arm has ended, the store keeps it, and the session sends it
/// to the client as one `universe_report` frame.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/plan.hpp"

namespace mlt::msg {

/// Words of the agent's reply when a universe's trials start; a client that
/// follows the request waits for the universe_report frame then.
constexpr const char* universe_started_words = "Running the same plan once per symbol";

/// One arm: a symbol (and model) and its out-of-sample numbers. Standard
/// errors treat rows as independent (binomial for accuracy, Hanley-McNeil
/// for AUC, sqrt(1.06/(n-3)) for the walk-forward IC).
struct universe_row {
  msg::trial_id trial_id;
  std::string symbol;
  std::string model;
  bool finished = false;   ///< completed with a summary
  std::string failure;     ///< why not ("" when finished)
  bool synthetic = false;  ///< the bars were the synthetic market's
  std::int64_t test_n = 0;
  double test_accuracy = 0, test_accuracy_se = 0;
  double test_auc = 0.5, test_auc_se = 0;
  bool walk_forward = false;  ///< the plan had walk-forward evidence and it ran
  std::int64_t wf_n = 0;
  double wf_ic = 0, wf_ic_se = 0;
  double strategy_return = 0;  ///< paper trading on the test part
  double buy_hold_return = 0;  ///< buy-and-hold over the same bars
  std::int32_t trades = 0;     ///< the strategy's trades (0: it stayed in cash)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, universe_row& x) {
  return f(caf::meta::type_name("universe_row"), x.trial_id, x.symbol, x.model, x.finished, x.failure, x.synthetic,
           x.test_n, x.test_accuracy, x.test_accuracy_se, x.test_auc, x.test_auc_se, x.walk_forward, x.wf_n, x.wf_ic,
           x.wf_ic_se, x.strategy_return, x.buy_hold_return, x.trades);
}

/// The finished arms of one model pooled across symbols: means, and the
/// standard error of each mean across symbols (sd / sqrt(n); 0 below two).
struct universe_pooled {
  std::string model;
  std::int32_t symbols = 0;  ///< finished arms pooled
  double accuracy = 0, accuracy_se = 0;
  double auc = 0, auc_se = 0;
  std::int32_t ic_symbols = 0;  ///< arms with walk-forward evidence
  double ic = 0, ic_se = 0;
  double excess_return = 0, excess_return_se = 0;  ///< strategy minus buy-and-hold
  std::int32_t beat_buy_hold = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, universe_pooled& x) {
  return f(caf::meta::type_name("universe_pooled"), x.model, x.symbols, x.accuracy, x.accuracy_se, x.auc, x.auc_se,
           x.ic_symbols, x.ic, x.ic_se, x.excess_return, x.excess_return_se, x.beat_buy_hold);
}

struct universe_report {
  std::int64_t report_id = 0;  ///< the store's id (0 before it is stored)
  std::string universe;        ///< a built-in list's id ("dow30"), "" for symbols named one by one
  std::vector<std::string> symbols;
  std::vector<std::string> models;
  std::vector<universe_row> rows;       ///< symbol by symbol, models within
  std::vector<universe_pooled> pooled;  ///< one per model
  std::vector<std::string> skipped;     ///< symbols that did not run, with why ("MSFT (no MSFT.csv in DIR ...)")
  std::string text;                     ///< the table and its caveats, as the person reads it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, universe_report& x) {
  return f(caf::meta::type_name("universe_report"), x.report_id, x.universe, x.symbols, x.models, x.rows, x.pooled,
           x.skipped, x.text);
}

/// Keep a combined report; the store answers its id (std::int64_t).
struct save_universe_report {
  universe_report report;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_universe_report& x) {
  return f(caf::meta::type_name("save_universe_report"), x.report);
}

/// Read kept combined reports back (GET /api/universe, /api/universe/{id}):
/// the newest `limit` first, or only report `report_id` when it is > 0 (an
/// empty list when there is none). Answers universe_report_list.
struct universe_reports_query {
  std::int64_t report_id = 0;
  std::int32_t limit = 50;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, universe_reports_query& x) {
  return f(caf::meta::type_name("universe_reports_query"), x.report_id, x.limit);
}

/// A combined report as the store keeps it: when it was kept, and the report.
struct stored_universe_report {
  std::string created_at;  ///< ISO 8601 UTC
  universe_report report;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_universe_report& x) {
  return f(caf::meta::type_name("stored_universe_report"), x.created_at, x.report);
}

struct universe_report_list {
  std::vector<stored_universe_report> reports;  ///< newest first
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, universe_report_list& x) {
  return f(caf::meta::type_name("universe_report_list"), x.reports);
}

/// The scheduler asks its headless agent to run a schedule's `symbols`: the
/// plan once per symbol, as an approved universe; answers agent_turn (the
/// first trial's id, or an error naming why nothing started).
struct run_universe {
  trial_plan plan;
  std::vector<std::string> symbols;
  std::string universe;  ///< a built-in list's id, "" = symbols listed one by one
  std::string origin;    ///< "schedule:NAME"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_universe& x) {
  return f(caf::meta::type_name("run_universe"), x.plan, x.symbols, x.universe, x.origin);
}

}  // namespace mlt::msg
