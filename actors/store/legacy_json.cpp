#include "actors/store/legacy_json.hpp"

#include <limits>

#include <simdjson.h>

#include "ml/market/bar.hpp"

namespace mlt::store::legacy {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// json_writer wrote a non-finite number as null.
bool number(element e, double& v) {
  if (e.is_null()) {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  return !e.get_double().get(v);
}

// Each read leaves `v` as it is when the key is missing or of another type.
void read(element obj, const char* key, double& v) {
  element e;
  if (!obj[key].get(e)) number(e, v);
}
void read(element obj, const char* key, std::int64_t& v) {
  std::int64_t i = 0;
  if (!obj[key].get_int64().get(i)) v = i;
}
void read(element obj, const char* key, std::uint64_t& v) {
  std::uint64_t u = 0;
  if (!obj[key].get_uint64().get(u)) v = u;
}
void read(element obj, const char* key, std::int32_t& v) {
  std::int64_t i = v;
  read(obj, key, i);
  v = static_cast<std::int32_t>(i);
}
void read(element obj, const char* key, bool& v) {
  bool b = false;
  if (!obj[key].get_bool().get(b)) v = b;
}
void read(element obj, const char* key, std::string& v) {
  std::string_view s;
  if (!obj[key].get_string().get(s)) v = std::string(s);
}

// read(obj, key, v) for each key and v in turn.
inline void read_all(element) {}
template <class T, class... Rest>
void read_all(element obj, const char* key, T& v, Rest&... rest) {
  read(obj, key, v);
  read_all(obj, rest...);
}

// The members of an object of numbers, in their order; `skip` names the
// members that are not part of it.
template <class Skip>
void read_numbers(element obj, std::map<std::string, double>& out, Skip skip) {
  object o;
  if (obj.get_object().get(o)) return;
  out.clear();
  for (auto field : o) {
    double v = 0;
    if (!skip(field.key) && number(field.value, v)) out[std::string(field.key)] = v;
  }
}

void read_numbers(element obj, std::map<std::string, double>& out) {
  read_numbers(obj, out, [](std::string_view) { return false; });
}

// Calls `f` with each element of the array `obj[key]`.
template <class F>
void each(element obj, const char* key, F f) {
  array a;
  if (!obj[key].get_array().get(a))
    for (element e : a) f(e);
}

void read_strings(element obj, const char* key, std::vector<std::string>& out) {
  out.clear();
  each(obj, key, [&](element e) {
    std::string_view s;
    if (!e.get_string().get(s)) out.emplace_back(s);
  });
}

bool read_date(element obj, const char* key, std::int64_t& t) {
  std::string_view s;
  return !obj[key].get_string().get(s) && ml::parse_datetime(std::string(s), t);
}

void read_paper_config(element e, ml::paper_config& c) {
  read_all(e, "cash", c.cash, "commission_bps", c.commission_bps, "commission_per_share", c.commission_per_share,
           "commission_min", c.commission_min, "commission_fixed", c.commission_fixed,
           "slippage_bps", c.slippage_bps, "long_threshold", c.long_threshold, "short_threshold", c.short_threshold,
           "allow_short", c.allow_short, "fractional_shares", c.fractional_shares, "stop_loss", c.stop_loss,
           "take_profit", c.take_profit, "sizing", c.sizing, "size", c.size);
  std::int32_t lookback = c.vol_lookback;
  read(e, "vol_lookback", lookback);
  c.vol_lookback = lookback;
}

void read_plan(element doc, msg::trial_plan& p) {
  read_all(doc, "symbol", p.symbol, "model", p.model, "data_source", p.data_source, "start", p.start, "end", p.end,
           "train_ratio", p.train_ratio, "val_ratio", p.val_ratio, "horizon", p.horizon, "seed", p.seed,
           "decision_budget", p.decision_budget, "wf_folds", p.wf_folds, "wf_window", p.wf_window);
  element e;
  if (!doc["params"].get(e)) read_numbers(e, p.params);
  if (!doc["paper"].get(e)) read_paper_config(e, p.paper);
}

void read_metrics(element m, ml::classification_metrics& x) {
  read_all(m, "n", x.n, "accuracy", x.accuracy, "balanced_accuracy", x.balanced_accuracy, "precision", x.precision,
           "recall", x.recall, "f1", x.f1, "roc_auc", x.roc_auc, "log_loss", x.log_loss, "brier", x.brier,
           "base_rate", x.base_rate);
  element c;
  if (m["confusion"].get(c)) return;
  read_all(c, "tp", x.tp, "fp", x.fp, "tn", x.tn, "fn", x.fn);
}

// write_paper_stats: the nine statistics, then the detail map's members.
void read_paper_stats(element e, ml::paper_stats& s, std::map<std::string, double>* detail) {
  read_all(e, "total_return", s.total_return, "final_equity", s.final_equity, "cagr", s.cagr, "sharpe", s.sharpe,
           "max_drawdown", s.max_drawdown, "trades", s.trades, "win_rate", s.win_rate, "exposure", s.exposure,
           "fees", s.fees);
  if (!detail) return;
  read_numbers(e, *detail, [](std::string_view k) {
    return k == "total_return" || k == "final_equity" || k == "cagr" || k == "sharpe" || k == "max_drawdown" ||
           k == "trades" || k == "win_rate" || k == "exposure" || k == "fees";
  });
}

bool read_equity(element doc, const char* key, std::vector<ml::equity_point>& out) {
  bool ok = true;
  out.clear();
  each(doc, key, [&](element e) {
    ml::equity_point p;
    ok = ok && read_date(e, "date", p.time);
    read(e, "equity", p.equity);
    out.push_back(p);
  });
  return ok;
}

void read_walk_forward(element w, msg::walk_forward_result& r) {
  read_all(w, "window", r.window, "embargo", r.embargo, "model", r.model, "note", r.note);
  each(w, "folds", [&](element e) {
    msg::walk_forward_fold f;
    read_all(e, "fold", f.fold, "train_first", f.train_first, "train_last", f.train_last,
             "train_rows", f.train_rows, "stop_first", f.stop_first, "stop_last", f.stop_last, "first", f.first,
             "last", f.last, "n", f.n, "accuracy", f.accuracy, "auc", f.auc, "log_loss", f.log_loss, "ic", f.ic,
             "majority_rate", f.majority_rate, "beats_majority", f.beats_majority);
    r.folds.push_back(std::move(f));
  });
  element e;
  if (!w["pooled"].get(e)) {
    read_all(e, "n", r.n, "accuracy", r.accuracy, "accuracy_se", r.accuracy_se, "auc", r.auc, "auc_se", r.auc_se,
             "log_loss", r.log_loss, "log_loss_se", r.log_loss_se, "ic", r.ic, "ic_se", r.ic_se,
             "majority_rate", r.majority_rate, "folds_beating_majority", r.folds_beating_majority);
  }
  if (!w["paper"].get(e)) read_paper_stats(e, r.paper, &r.paper_detail);
  if (!w["buy_hold"].get(e)) read_paper_stats(e, r.buy_hold, nullptr);
  if (!w["sma_cross"].get(e)) read_numbers(e, r.sma_cross);
}

bool read_trades(element doc, std::vector<ml::paper_trade>& out) {
  bool ok = true;
  each(doc, "trades", [&](element e) {
    ml::paper_trade t;
    read(e, "side", t.side);
    read(e, "size", t.size);
    ok = ok && read_date(e, "entry_date", t.entry_time);
    read(e, "entry_price", t.entry_price);
    read(e, "open", t.open);
    if (!t.open) {
      ok = ok && read_date(e, "exit_date", t.exit_time);
      read(e, "exit_price", t.exit_price);
    }
    read(e, "pnl", t.pnl);
    read(e, "return", t.ret);
    out.push_back(std::move(t));
  });
  return ok;
}

// The parts of a report that describe the data, the metrics and the agent's words.
void read_data_and_metrics(element doc, msg::trial_summary& s) {
  element e;
  if (!doc["data"].get(e)) {
    read_all(e, "origin", s.data_origin, "synthetic", s.synthetic, "first_date", s.first_date,
             "last_date", s.last_date, "bars", s.bars, "bar_size", s.bar_size, "features", s.features,
             "vol_annual", s.vol_annual, "regime", s.regime, "test_first_date", s.test_first_date,
             "test_last_date", s.test_last_date);
  }
  element m;
  if (!doc["metrics"].get(m)) {
    if (!m["train"].get(e)) read_metrics(e, s.train);
    if (!m["validation"].get(e)) read_metrics(e, s.val);
    if (!m["test"].get(e)) read_metrics(e, s.test);
    if (!m["test_vs_forward_return"].get(e)) {
      read_all(e, "n", s.test_vs_return.n, "ic", s.test_vs_return.ic, "pearson", s.test_vs_return.pearson,
               "hit_rate", s.test_vs_return.hit_rate);
    }
  }
  if (!doc["paper"].get(e)) read_paper_stats(e, s.paper, &s.paper_detail);
  if (!doc["buy_hold"].get(e)) read_paper_stats(e, s.buy_hold, &s.buy_hold_detail);
  if (!doc["sma_cross"].get(e)) read_numbers(e, s.sma_cross);
  if (!doc["walk_forward"].get(e)) read_walk_forward(e, s.walk_forward);
  each(doc, "predictions", [&](element e) {
    msg::prediction_point p;
    read_all(e, "date", p.date, "p_up", p.p_up, "outcome", p.outcome, "forward_return", p.forward_return);
    s.predictions.push_back(std::move(p));
  });
  each(doc, "importance", [&](element e) {
    std::pair<std::string, double> f;
    read(e, "feature", f.first);
    read(e, "value", f.second);
    s.importance.push_back(std::move(f));
  });
  if (!doc["multiple_testing"].get(e)) {
    s.daemon_tested.symbol = s.symbol;
    read_all(e, "target", s.daemon_tested.target, "daemon_configurations", s.daemon_tested.configurations,
             "daemon_trials", s.daemon_tested.trials, "with_sharpe", s.daemon_tested.with_sharpe,
             "sharpe_variance", s.daemon_tested.sharpe_variance);
  }
  each(doc, "validation_use", [&](element e) {
    msg::row_use u;
    read_all(e, "purpose", u.purpose, "first_date", u.first_date, "last_date", u.last_date, "rows", u.rows);
    s.validation_use.push_back(std::move(u));
  });
}

void read_final_report(element doc, msg::final_report& r) {
  element e;
  if (!doc["sections"].get(e)) {
    read_all(e, "answer", r.answer, "analysis", r.analysis, "trading_insights", r.trading_insights,
             "recommendations", r.recommendations, "caveats", r.caveats);
  }
  read(doc, "brain", r.brain);
  if (!doc["llm_usage"].get(e)) {
    read_all(e, "input_tokens", r.input_tokens, "output_tokens", r.output_tokens, "calls", r.llm_calls,
             "fallbacks", r.llm_fallbacks);
  }
}

}  // namespace

bool plan_from_json(const std::string& json, msg::trial_plan& out) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(json).get(doc)) return false;
  msg::trial_plan p = out;
  read_plan(doc, p);
  if (p.symbol.empty()) return false;
  out = std::move(p);
  return true;
}

bool report_from_json(const std::string& json, const msg::trial_plan& approved, msg::trial_report& out) {
  simdjson::dom::parser parser;
  element doc;
  object o;
  if (parser.parse(json).get(doc) || doc.get_object().get(o)) return false;
  msg::trial_report r;
  auto& s = r.summary;
  std::int64_t trial = 0;
  read_all(doc, "trial_id", trial, "symbol", s.symbol, "model", s.model, "parameter_count", s.parameter_count,
           "data_source", s.data_source);
  s.trial_id = msg::trial_id{trial};
  s.plan = approved;
  element e;
  if (!doc["plan"].get(e)) read_plan(e, s.plan);
  read_data_and_metrics(doc, s);
  if (!read_equity(doc, "equity", s.equity) || !read_equity(doc, "buy_hold_equity", s.buy_hold_equity) ||
      !read_trades(doc, s.trades))
    return false;
  read(doc, "configurations_tried", s.configurations_tried);
  read(doc, "decisions", s.decisions);
  read_strings(doc, "models_tried", s.models_tried);
  read_strings(doc, "warnings", s.warnings);
  read(doc, "leakage_audit", s.leakage_audit);
  read(doc, "optimizer", s.optimizer);
  r.report.trial_id = s.trial_id;
  read_final_report(doc, r.report);
  out = std::move(r);
  return true;
}

bool event_data_from_json(const std::string& json, msg::event_data& out) {
  simdjson::dom::parser parser;
  element doc;
  object o;
  if (parser.parse(json).get(doc) || doc.get_object().get(o)) return false;
  msg::event_data data;
  for (auto field : o) {
    const std::string_view key = field.key;
    element v = field.value;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double d = 0;
    bool b = false;
    std::string_view text;
    object inner;
    if (!v.get_int64().get(i)) data.add(key, i);
    else if (!v.get_uint64().get(u)) data.add(key, u);
    else if (!v.get_bool().get(b)) data.add(key, b);
    else if (!v.get_string().get(text)) data.add(key, text);
    else if (!v.get_object().get(inner)) {
      std::map<std::string, double> numbers;
      read_numbers(v, numbers);
      if (numbers.size() != inner.size()) return false;
      data.add(key, std::move(numbers));
    } else if (number(v, d)) data.add(key, d);
    else return false;
  }
  out = std::move(data);
  return true;
}

bool params_from_json(const std::string& json, std::map<std::string, double>& out) {
  simdjson::dom::parser parser;
  element doc;
  object o;
  if (parser.parse(json).get(doc) || doc.get_object().get(o)) return false;
  read_numbers(doc, out);
  return true;
}

}  // namespace mlt::store::legacy
