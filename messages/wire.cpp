#include "messages/wire.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <simdjson.h>

#include "messages/json_writer.hpp"
#include "ml/market/bar.hpp"

namespace mlt::msg {

namespace {

decode_result fail(std::string code, std::string message) {
  decode_result r;
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  return r;
}

// Reads an integer field that may also arrive as a whole-number double or a
// numeric string (browsers and hand-typed frames differ).
bool read_id(simdjson::dom::element obj, const char* name, std::int64_t& out, std::string& err) {
  simdjson::dom::element v;
  if (obj[name].get(v)) {
    err = std::string("missing field '") + name + "'";
    return false;
  }
  std::int64_t i;
  double d;
  std::string_view s;
  if (!v.get_int64().get(i)) {
    out = i;
  } else if (!v.get_double().get(d) && std::abs(d) < 9.0e15 && d == std::floor(d)) {
    // The range check comes first: casting a huge double to int64 is undefined.
    out = static_cast<std::int64_t>(d);
  } else if (!v.get_string().get(s)) {
    try {
      std::size_t used = 0;
      out = std::stoll(std::string(s), &used);
      if (used != s.size()) throw std::invalid_argument("trailing");
    } catch (...) {
      err = std::string("field '") + name + "' must be an integer id, got \"" + std::string(s) + "\"";
      return false;
    }
  } else {
    err = std::string("field '") + name + "' must be an integer id";
    return false;
  }
  if (out <= 0) {
    err = std::string("field '") + name + "' must be a positive id";
    return false;
  }
  return true;
}

void write_metrics(json_writer& w, const ml::classification_metrics& m) {
  w.begin_object()
      .field("n", static_cast<std::uint64_t>(m.n))
      .field("accuracy", m.accuracy)
      .field("balanced_accuracy", m.balanced_accuracy)
      .field("precision", m.precision)
      .field("recall", m.recall)
      .field("f1", m.f1)
      .field("roc_auc", m.roc_auc)
      .field("log_loss", m.log_loss)
      .field("brier", m.brier)
      .field("base_rate", m.base_rate);
  w.key("confusion")
      .begin_object()
      .field("tp", static_cast<std::uint64_t>(m.tp))
      .field("fp", static_cast<std::uint64_t>(m.fp))
      .field("tn", static_cast<std::uint64_t>(m.tn))
      .field("fn", static_cast<std::uint64_t>(m.fn))
      .end_object();
  w.end_object();
}

void write_paper_stats(json_writer& w, const ml::paper_stats& s,
                       const std::map<std::string, double>& detail = {}) {
  w.begin_object()
      .field("total_return", s.total_return)
      .field("final_equity", s.final_equity)
      .field("cagr", s.cagr)
      .field("sharpe", s.sharpe)
      .field("max_drawdown", s.max_drawdown)
      .field("trades", static_cast<std::int64_t>(s.trades))
      .field("win_rate", s.win_rate)
      .field("exposure", s.exposure)
      .field("fees", s.fees);
  for (const auto& [k, v] : detail) w.field(k, v);
  w.end_object();
}

// Each point carries its drawdown from the running peak, as a fraction.
void write_equity(json_writer& w, const std::vector<ml::equity_point>& pts) {
  w.begin_array();
  double peak = 0;
  for (const auto& p : pts) {
    peak = std::max(peak, p.equity);
    w.begin_object().field("date", ml::format_date(p.time)).field("equity", p.equity)
        .field("drawdown", peak > 0 ? 1.0 - p.equity / peak : 0.0).end_object();
  }
  w.end_array();
}

void write_plan(json_writer& w, const trial_plan& p) {
  w.begin_object()
      .field("symbol", p.symbol)
      .field("model", p.model)
      .field("data_source", p.data_source)
      .field("start", p.start)
      .field("end", p.end)
      .field("train_ratio", p.train_ratio)
      .field("val_ratio", p.val_ratio)
      .field("horizon", static_cast<std::int64_t>(p.horizon))
      .field("seed", p.seed)
      .field("decision_budget", static_cast<std::int64_t>(p.decision_budget))
      .field("wf_folds", static_cast<std::int64_t>(p.wf_folds))
      .field("wf_window", p.wf_window);
  w.key("params").begin_object();
  for (const auto& [k, v] : p.params) w.field(k, v);
  w.end_object();
  w.key("paper")
      .begin_object()
      .field("cash", p.paper.cash)
      .field("commission_bps", p.paper.commission_bps)
      .field("commission_per_share", p.paper.commission_per_share)
      .field("commission_min", p.paper.commission_min)
      .field("commission_fixed", p.paper.commission_fixed)
      .field("slippage_bps", p.paper.slippage_bps)
      .field("long_threshold", p.paper.long_threshold)
      .field("short_threshold", p.paper.short_threshold)
      .field("allow_short", p.paper.allow_short)
      .field("fractional_shares", p.paper.fractional_shares)
      .field("stop_loss", p.paper.stop_loss)
      .field("take_profit", p.paper.take_profit)
      .field("sizing", p.paper.sizing)
      .field("size", p.paper.size)
      .field("vol_lookback", static_cast<std::int64_t>(p.paper.vol_lookback))
      .end_object();
  w.end_object();
}

void write_event(json_writer& w, const trial_event& e) {
  w.field("trial_id", e.trial_id)
      .field("seq", e.seq)
      .field("time_ms", e.time_ms)
      .field("speaker", to_string(e.speaker))
      .field("kind", to_string(e.kind))
      .field("text", e.text);
  w.key("data").begin_object();
  for (const auto& f : e.data.fields) {
    w.key(f.key);
    switch (f.type) {
      case event_field::kind::number: w.value(f.number); break;
      case event_field::kind::integer: w.value(f.integer); break;
      case event_field::kind::text: w.value(f.text); break;
      case event_field::kind::flag: w.value(f.integer != 0); break;
      case event_field::kind::numbers:
        w.begin_object();
        for (const auto& [k, v] : f.numbers) w.field(k, v);
        w.end_object();
        break;
    }
  }
  w.end_object();
}

void write_row(json_writer& w, const trial_row& r) {
  w.begin_object()
      .field("trial_id", r.trial_id)
      .field("status", to_string(r.status))
      .field("symbol", r.symbol)
      .field("model", r.model)
      .field("origin", r.origin)
      .field("created_at", r.created_at)
      .field("updated_at", r.updated_at)
      .field("has_report", r.has_report);
  if (r.has_report) {
    w.field("test_accuracy", r.test_accuracy)
        .field("test_n", r.test_n)
        .field("total_return", r.total_return)
        .field("buy_hold_return", r.buy_hold_return)
        .field("sharpe", r.sharpe);
  }
  if (!r.error.empty()) w.field("error", r.error);
  w.end_object();
}

}  // namespace

std::string report_text(const final_report& r) {
  std::string t;
  auto section = [&](const char* title, const std::string& body) {
    if (body.empty()) return;
    if (!t.empty()) t += "\n\n";
    t += title;
    t += "\n";
    t += body;
  };
  section("ANSWER", r.answer);
  section("ML ANALYSIS", r.analysis);
  section("TRADING INSIGHTS", r.trading_insights);
  section("RECOMMENDATIONS", r.recommendations);
  section("CAVEATS", r.caveats);
  return t;
}

void write_walk_forward(json_writer& w, const walk_forward_result& r) {
  w.begin_object()
      .field("window", r.window)
      .field("embargo", static_cast<std::int64_t>(r.embargo))
      .field("model", r.model)
      .field("note", r.note);
  w.key("folds").begin_array();
  for (const auto& f : r.folds)
    w.begin_object()
        .field("fold", static_cast<std::int64_t>(f.fold))
        .field("train_first", f.train_first)
        .field("train_last", f.train_last)
        .field("train_rows", f.train_rows)
        .field("stop_first", f.stop_first)
        .field("stop_last", f.stop_last)
        .field("first", f.first)
        .field("last", f.last)
        .field("n", f.n)
        .field("accuracy", f.accuracy)
        .field("auc", f.auc)
        .field("log_loss", f.log_loss)
        .field("ic", f.ic)
        .field("majority_rate", f.majority_rate)
        .field("beats_majority", f.beats_majority)
        .end_object();
  w.end_array();
  w.key("pooled")
      .begin_object()
      .field("n", r.n)
      .field("accuracy", r.accuracy)
      .field("accuracy_se", r.accuracy_se)
      .field("auc", r.auc)
      .field("auc_se", r.auc_se)
      .field("log_loss", r.log_loss)
      .field("log_loss_se", r.log_loss_se)
      .field("ic", r.ic)
      .field("ic_se", r.ic_se)
      .field("majority_rate", r.majority_rate)
      .field("folds_beating_majority", static_cast<std::int64_t>(r.folds_beating_majority))
      .end_object();
  w.key("paper");
  write_paper_stats(w, r.paper, r.paper_detail);
  w.key("buy_hold");
  write_paper_stats(w, r.buy_hold);
  w.key("sma_cross").begin_object();
  for (const auto& [k, v] : r.sma_cross) w.field(k, v);
  w.end_object();
  w.end_object();
}

decode_result decode_client_frame(const std::string& text) {
  // One parser per thread, reused (simdjson's advice).
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(text).get(doc))
    return fail("bad_json", std::string("frame is not valid JSON: ") + simdjson::error_message(err));
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return fail("bad_frame", "frame must be a JSON object with a \"type\"");
  std::string_view type;
  if (doc["type"].get_string().get(type))
    return fail("missing_field", "frame has no string field 'type'");

  decode_result r;
  r.frame.type = std::string(type);
  std::string err;
  if (type == "chat") {
    std::string_view t;
    simdjson::dom::element v;
    if (doc["text"].get(v)) return fail("missing_field", "chat frame needs a 'text' field");
    if (v.get_string().get(t)) return fail("bad_field", "chat field 'text' must be a string");
    if (t.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return fail("bad_field", "chat field 'text' is empty");
    r.frame.text = std::string(t);
  } else if (type == "approve") {
    if (!read_id(doc, "proposal_id", r.frame.proposal_id, err))
      return fail(err.rfind("missing", 0) == 0 ? "missing_field" : "bad_field", "approve: " + err);
  } else if (type == "cancel") {
    if (!read_id(doc, "trial_id", r.frame.trial_id, err))
      return fail(err.rfind("missing", 0) == 0 ? "missing_field" : "bad_field", "cancel: " + err);
  } else if (type == "get_trial") {
    if (!read_id(doc, "trial_id", r.frame.trial_id, err))
      return fail(err.rfind("missing", 0) == 0 ? "missing_field" : "bad_field", "get_trial: " + err);
  } else if (type == "list_trials") {
    std::int64_t limit;
    simdjson::dom::element v;
    if (!doc["limit"].get(v)) {
      // Present but not an integer is an error, not a silent default.
      if (v.get_int64().get(limit) || limit < 1 || limit > 1000)
        return fail("bad_field", "list_trials: 'limit' must be an integer from 1 to 1000");
      r.frame.limit = limit;
    }
  } else if (type == "ping") {
  } else {
    return fail("unknown_type", "unknown frame type '" + std::string(type) +
                                    "'; expected chat, approve, cancel, list_trials, get_trial or ping");
  }
  r.ok = true;
  return r;
}

std::string encode_hello(const std::string& version, const std::string& brain) {
  json_writer w;
  w.begin_object().field("type", "hello").field("version", version).field("brain", brain);
  w.field("text",
          "mlTrainer here. Ask me to run a trial, e.g. \"Run trial on TSLA\" or "
          "\"Analyze AAPL with LSTM model\". Type \"help\" for more.");
  w.end_object();
  return w.take();
}

std::string encode_reply(const std::string& text, trial_id about) {
  json_writer w;
  w.begin_object().field("type", "reply").field("text", text);
  if (about.value > 0) w.field("trial_id", about);
  w.end_object();
  return w.take();
}

std::string encode_proposal(proposal_id id, const trial_plan& plan, const std::string& text,
                            const std::vector<std::string>& symbols) {
  json_writer w;
  w.begin_object().field("type", "proposal").field("proposal_id", id);
  // The plan's fields at top level (what clients read) and as one object.
  w.field("symbol", plan.symbol)
      .field("model", plan.model)
      .field("data_source", plan.data_source)
      .field("start", plan.start)
      .field("end", plan.end)
      .field("train_ratio", plan.train_ratio)
      .field("horizon", static_cast<std::int64_t>(plan.horizon));
  w.key("plan");
  write_plan(w, plan);
  if (!symbols.empty()) {
    w.key("symbols").begin_array();
    for (const auto& s : symbols) w.value(s);
    w.end_array();
  }
  w.field("text", text);
  w.end_object();
  return w.take();
}

std::string encode_event(const trial_event& e) {
  json_writer w;
  w.begin_object().field("type", "event");
  write_event(w, e);
  w.end_object();
  return w.take();
}

namespace {

// What the bars were, and where the test part lies in them.
void write_report_data(json_writer& w, const trial_summary& s) {
  w.key("data")
      .begin_object()
      .field("source", s.data_source)
      .field("origin", s.data_origin)
      .field("synthetic", s.synthetic)
      .field("first_date", s.first_date)
      .field("last_date", s.last_date)
      .field("bars", s.bars)
      .field("bar_size", s.bar_size)
      .field("features", static_cast<std::int64_t>(s.features))
      .field("vol_annual", s.vol_annual)
      .field("regime", s.regime)
      .field("test_first_date", s.test_first_date)
      .field("test_last_date", s.test_last_date)
      .end_object();
}

void write_report_metrics(json_writer& w, const trial_summary& s) {
  w.key("metrics").begin_object();
  w.key("train");
  write_metrics(w, s.train);
  w.key("validation");
  write_metrics(w, s.val);
  w.key("test");
  write_metrics(w, s.test);
  w.key("test_vs_forward_return")
      .begin_object()
      .field("n", static_cast<std::uint64_t>(s.test_vs_return.n))
      .field("ic", s.test_vs_return.ic)
      .field("pearson", s.test_vs_return.pearson)
      .field("hit_rate", s.test_vs_return.hit_rate)
      .end_object();
  w.end_object();
}

void write_predictions(json_writer& w, const std::vector<prediction_point>& predictions) {
  w.key("predictions").begin_array();
  for (const auto& p : predictions)
    w.begin_object().field("date", p.date).field("p_up", p.p_up)
        .field("outcome", static_cast<std::int64_t>(p.outcome)).field("forward_return", p.forward_return).end_object();
  w.end_array();
}

void write_trades(json_writer& w, const std::vector<ml::paper_trade>& trades) {
  w.key("trades").begin_array();
  for (const auto& t : trades) {
    w.begin_object()
        .field("side", t.side)
        .field("size", t.size)
        .field("entry_date", ml::format_date(t.entry_time))
        .field("entry_price", t.entry_price);
    if (t.open) {
      w.key("exit_date").null().key("exit_price").null();
    } else {
      w.field("exit_date", ml::format_date(t.exit_time)).field("exit_price", t.exit_price);
    }
    w.field("pnl", t.pnl).field("return", t.ret).field("open", t.open).end_object();
  }
  w.end_array();
}

void write_strings(json_writer& w, const char* key, const std::vector<std::string>& values) {
  w.key(key).begin_array();
  for (const auto& v : values) w.value(v);
  w.end_array();
}

// The report's sections, its brain and what the LLM used.
void write_report_sections(json_writer& w, const final_report& report) {
  w.key("sections")
      .begin_object()
      .field("answer", report.answer)
      .field("analysis", report.analysis)
      .field("trading_insights", report.trading_insights)
      .field("recommendations", report.recommendations)
      .field("caveats", report.caveats)
      .end_object();
  w.field("brain", report.brain).field("text", report_text(report));
  w.key("llm_usage")
      .begin_object()
      .field("input_tokens", report.input_tokens)
      .field("output_tokens", report.output_tokens)
      .field("calls", report.llm_calls)
      .field("fallbacks", report.llm_fallbacks)
      .end_object();
}

}  // namespace

std::string encode_report(const trial_report& r) {
  const auto& s = r.summary;
  json_writer w;
  w.begin_object()
      .field("type", "report")
      .field("trial_id", s.trial_id)
      .field("symbol", s.symbol)
      .field("model", s.model)
      .field("parameter_count", s.parameter_count)
      .field("data_source", s.data_source);
  write_report_data(w, s);
  w.key("plan");
  write_plan(w, s.plan);
  write_report_metrics(w, s);
  w.key("paper");
  write_paper_stats(w, s.paper, s.paper_detail);
  w.key("buy_hold");
  write_paper_stats(w, s.buy_hold, s.buy_hold_detail);
  w.key("sma_cross").begin_object();
  for (const auto& [k, v] : s.sma_cross) w.field(k, v);
  w.end_object();
  w.key("walk_forward");
  write_walk_forward(w, s.walk_forward);
  w.key("equity");
  write_equity(w, s.equity);
  w.key("buy_hold_equity");
  write_equity(w, s.buy_hold_equity);
  write_predictions(w, s.predictions);
  write_trades(w, s.trades);
  w.key("importance").begin_array();
  for (const auto& [name, v] : s.importance)
    w.begin_object().field("feature", name).field("value", v).end_object();
  w.end_array();
  w.field("configurations_tried", static_cast<std::int64_t>(s.configurations_tried))
      .field("decisions", static_cast<std::int64_t>(s.decisions));
  write_strings(w, "models_tried", s.models_tried);
  write_strings(w, "warnings", s.warnings);
  w.field("leakage_audit", s.leakage_audit).field("optimizer", s.optimizer);
  write_multiple_testing(w, s);
  write_validation_use(w, s.validation_use);
  write_report_sections(w, r.report);
  w.end_object();
  return w.take();
}

void write_multiple_testing(json_writer& w, const trial_summary& s) {
  const auto& m = s.daemon_tested;
  w.key("multiple_testing")
      .begin_object()
      .field("target", m.target)
      .field("this_trial", static_cast<std::int64_t>(s.configurations_tried))
      .field("daemon_configurations", m.configurations)
      .field("daemon_trials", m.trials)
      .field("with_sharpe", m.with_sharpe)
      .field("sharpe_variance", m.sharpe_variance)
      .field("variance_source", m.with_sharpe >= 2 ? "across configurations" : "estimator")
      .end_object();
}

void write_validation_use(json_writer& w, const std::vector<row_use>& uses) {
  w.key("validation_use").begin_array();
  for (const auto& u : uses)
    w.begin_object().field("purpose", u.purpose).field("first_date", u.first_date).field("last_date", u.last_date)
        .field("rows", u.rows).end_object();
  w.end_array();
}

std::string encode_trial_failed(const trial_failed& f) {
  json_writer w;
  w.begin_object()
      .field("type", "trial_failed")
      .field("trial_id", f.trial_id)
      .field("status", to_string(f.status))
      .field("code", f.code)
      .field("message", f.message)
      .end_object();
  return w.take();
}

std::string encode_trials(const trial_list& list) {
  json_writer w;
  w.begin_object().field("type", "trials").key("trials").begin_array();
  for (const auto& r : list.trials) write_row(w, r);
  w.end_array().end_object();
  return w.take();
}

std::string encode_cluster(const cluster_status& status) {
  json_writer w;
  w.begin_object().key("nodes").begin_array();
  for (const auto& n : status.nodes)
    w.begin_object().field("id", n.id).field("role", n.role).field("address", n.address)
        .field("pid", static_cast<std::int64_t>(n.pid)).field("slots", static_cast<std::int64_t>(n.slots))
        .field("running", static_cast<std::int64_t>(n.running)).field("fits_done", n.fits_done).end_object();
  w.end_array().end_object();
  return w.take();
}

std::string encode_trial(const trial_record& rec) {
  json_writer w;
  w.begin_object().field("type", "trial").field("trial_id", rec.row.trial_id);
  w.key("trial");
  write_row(w, rec.row);
  w.key("plan");
  // Once reported, the trial shows the plan as finally run.
  write_plan(w, rec.row.has_report ? rec.report.summary.plan : rec.plan);
  w.key("transcript").begin_array();
  for (const auto& e : rec.transcript) {
    w.begin_object();
    write_event(w, e);
    w.end_object();
  }
  w.end_array();
  w.key("report");
  if (rec.row.has_report) w.raw(encode_report(rec.report));
  else w.null();
  w.end_object();
  return w.take();
}

std::string encode_paper(const paper_note& n) {
  json_writer w;
  w.begin_object().field("type", "paper").field("symbol", n.symbol).field("text", n.text);
  w.key("data").begin_object();
  if (n.has_bar) w.field("date", n.date).field("equity", n.equity).field("position", n.position);
  w.end_object().end_object();
  return w.take();
}

namespace {

// The members of a universe_report frame after its "type".
void write_universe_report(json_writer& w, const universe_report& r) {
  w.field("report_id", r.report_id).field("universe", r.universe);
  write_strings(w, "symbols", r.symbols);
  write_strings(w, "models", r.models);
  w.key("rows").begin_array();
  for (const auto& x : r.rows) {
    w.begin_object()
        .field("trial_id", x.trial_id)
        .field("symbol", x.symbol)
        .field("model", x.model)
        .field("finished", x.finished)
        .field("failure", x.failure)
        .field("synthetic", x.synthetic)
        .field("test_n", x.test_n)
        .field("test_accuracy", x.test_accuracy)
        .field("test_accuracy_se", x.test_accuracy_se)
        .field("test_auc", x.test_auc)
        .field("test_auc_se", x.test_auc_se)
        .field("walk_forward", x.walk_forward)
        .field("wf_n", x.wf_n)
        .field("wf_ic", x.wf_ic)
        .field("wf_ic_se", x.wf_ic_se)
        .field("strategy_return", x.strategy_return)
        .field("buy_hold_return", x.buy_hold_return)
        .field("trades", static_cast<std::int64_t>(x.trades))
        .end_object();
  }
  w.end_array().key("pooled").begin_array();
  for (const auto& p : r.pooled) {
    w.begin_object()
        .field("model", p.model)
        .field("symbols", static_cast<std::int64_t>(p.symbols))
        .field("accuracy", p.accuracy)
        .field("accuracy_se", p.accuracy_se)
        .field("auc", p.auc)
        .field("auc_se", p.auc_se)
        .field("ic_symbols", static_cast<std::int64_t>(p.ic_symbols))
        .field("ic", p.ic)
        .field("ic_se", p.ic_se)
        .field("excess_return", p.excess_return)
        .field("excess_return_se", p.excess_return_se)
        .field("beat_buy_hold", static_cast<std::int64_t>(p.beat_buy_hold))
        .end_object();
  }
  w.end_array();
  write_strings(w, "skipped", r.skipped);
  w.field("text", r.text);
}

}  // namespace

std::string encode_universe_report(const universe_report& r) {
  json_writer w;
  w.begin_object().field("type", "universe_report");
  write_universe_report(w, r);
  w.end_object();
  return w.take();
}

std::string encode_stored_universe_report(const stored_universe_report& r) {
  json_writer w;
  w.begin_object().field("type", "universe_report").field("created_at", r.created_at);
  write_universe_report(w, r.report);
  w.end_object();
  return w.take();
}

std::string encode_universe_reports(const universe_report_list& list) {
  json_writer w;
  w.begin_object().field("type", "universe_reports").key("reports").begin_array();
  for (const auto& x : list.reports) {
    const auto& r = x.report;
    std::int64_t finished = 0;
    w.begin_object().field("report_id", r.report_id).field("created_at", x.created_at).field("universe", r.universe);
    write_strings(w, "symbols", r.symbols);
    write_strings(w, "models", r.models);
    w.key("trial_ids").begin_array();
    for (const auto& row : r.rows) {
      w.value(row.trial_id);
      finished += row.finished ? 1 : 0;
    }
    w.end_array().field("trials", static_cast<std::int64_t>(r.rows.size())).field("finished", finished).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string encode_error(const std::string& code, const std::string& message) {
  json_writer w;
  w.begin_object()
      .field("type", "error")
      .field("code", code)
      .field("message", message)
      .end_object();
  return w.take();
}

}  // namespace mlt::msg
