#pragma once
/// Forward paper trading: portfolios kept in the store and advanced with new bars.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/sim_inspect.hpp"

namespace mlt::msg {

/// agent -> paper_trader: start (or advance) the paper portfolio of `symbol`
/// with the model of its latest completed trial (or `trial_id`).
struct portfolio_request {
  std::string symbol;
  msg::trial_id trial_id;     ///< 0 = the latest completed trial of the symbol
  caf::actor observer;        ///< receives paper_note lines as bars are traded
  std::int32_t pace_ms = 0;   ///< replay pace between bars (0 = as fast as possible)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, portfolio_request& x) {
  return f(caf::meta::type_name("portfolio_request"), x.symbol, x.trial_id, x.observer, x.pace_ms);
}

/// paper_trader -> observer: one line of a forward paper-trading update.
struct paper_note {
  std::string symbol;
  std::string text;
  bool has_bar = false;  ///< the line reports a traded bar (the fields below)
  std::string date;      ///< of that bar
  double equity = 0;     ///< at its close
  double position = 0;   ///< signed shares at its close
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_note& x) {
  return f(caf::meta::type_name("paper_note"), x.symbol, x.text, x.has_bar, x.date, x.equity, x.position);
}

/// store: the saved portfolio of a symbol (found = false if none).
struct portfolio_query {
  std::string symbol;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, portfolio_query& x) {
  return f(caf::meta::type_name("portfolio_query"), x.symbol);
}

struct portfolio_record {
  bool found = false;
  std::string symbol;
  std::string model;
  msg::trial_id trial_id;
  ml::sim::paper_portfolio portfolio;  ///< config, signal rule, state and history
  std::string updated_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, portfolio_record& x) {
  return f(caf::meta::type_name("portfolio_record"), x.found, x.symbol, x.model, x.trial_id, x.portfolio,
           x.updated_at);
}

/// store: insert or replace a portfolio; answers true when durable.
struct save_portfolio {
  portfolio_record record;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_portfolio& x) {
  return f(caf::meta::type_name("save_portfolio"), x.record);
}

/// store: the newest completed trial of a symbol; answers trial_record.
struct latest_trial_query {
  std::string symbol;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, latest_trial_query& x) {
  return f(caf::meta::type_name("latest_trial_query"), x.symbol);
}

}  // namespace mlt::msg
