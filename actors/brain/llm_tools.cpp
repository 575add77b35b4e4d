#include "actors/brain/llm_tools.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

#include <simdjson.h>

#include "actors/brain/plan_rules.hpp"
#include "actors/brain/thresholds.hpp"
#include "actors/text_format.hpp"
#include "messages/json_writer.hpp"
#include "ml/market/bar.hpp"
#include "ml/market/index_members.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"
#include "ml/models/optimize.hpp"

namespace mlt::brain::llm_tools {

namespace {

using actors::text::fmt;
using msg::json_writer;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// A number as JSON text for a message ("7", "0.05").
std::string num(double v) { return fmt("%g", v); }

// The JSON object of a tool call, or why it is none.
bool parse_object(simdjson::dom::parser& parser, const std::string& arguments, simdjson::dom::object& obj,
                  std::string& error) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(arguments).get(doc)) {
    error = std::string("the arguments are not valid JSON (") + simdjson::error_message(err) + ")";
    return false;
  }
  if (doc.get_object().get(obj)) {
    error = "the arguments must be a JSON object";
    return false;
  }
  return true;
}

// Numbers may arrive as JSON numbers or as numeric strings ("0.7").
std::optional<double> as_number(simdjson::dom::element e) {
  double d = 0;
  if (!e.get_double().get(d)) return d;
  std::int64_t i = 0;
  if (!e.get_int64().get(i)) return static_cast<double>(i);
  std::uint64_t u = 0;
  if (!e.get_uint64().get(u)) return static_cast<double>(u);
  std::string_view s;
  if (!e.get_string().get(s) && !s.empty()) {
    std::string t(s);
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end && *end == '\0') return v;
  }
  return std::nullopt;
}

std::optional<std::string> as_string(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s)) return std::nullopt;
  return std::string(s);
}

std::optional<bool> as_bool(simdjson::dom::element e) {
  bool b = false;
  if (!e.get_bool().get(b)) return b;
  return std::nullopt;
}

bool is_null(simdjson::dom::element e) { return e.type() == simdjson::dom::element_type::NULL_VALUE; }

void schema_number(json_writer& w, const msg::param_spec& p) {
  w.key(p.name).begin_object().field("type", p.integer ? "integer" : "number");
  if (p.lo_open) w.field("exclusiveMinimum", p.lo);
  else w.field("minimum", p.lo);
  w.field("maximum", p.hi);
  w.field("description", *p.models ? std::string("for ") + p.models : std::string("brain parameter"));
  w.end_object();
}

void schema_string(json_writer& w, const char* name, const char* description) {
  w.key(name).begin_object().field("type", "string").field("description", description).end_object();
}

void schema_enum(json_writer& w, const char* name, const std::vector<std::string>& values, const char* description) {
  w.key(name).begin_object().field("type", "string").key("enum").begin_array();
  for (const auto& v : values) w.value(v);
  w.end_array().field("description", description).end_object();
}

void schema_strings(json_writer& w, const char* name, const char* description) {
  w.key(name).begin_object().field("type", "array").key("items").begin_object().field("type", "string").end_object()
      .field("description", description).end_object();
}

// The symbol lists of a universe trial, shared by the plan tools and command.
void symbols_properties(json_writer& w) {
  schema_strings(w, "symbols",
                 "several symbols: the plan runs once per symbol (\"AAPL, MSFT and NVDA\"), or a built-in list "
                 "by name: dow30 (the Dow 30)");
}

// Properties of a plan edit, shared by propose_trial and amend_proposal.
void plan_properties(json_writer& w) {
  schema_string(w, "symbol", "US ticker in capitals, e.g. AAPL, TSLA, SPY");
  symbols_properties(w);
  schema_strings(w, "drop_symbols", "symbols to take out of an open proposal over several symbols (\"drop MSFT\")");
  schema_strings(w, "add_symbols", "symbols to add to an open proposal over several symbols (\"add TSLA\")");
  schema_enum(w, "model", ml::model_names(), "model to fit");
  schema_string(w, "start", "first date, YYYY-MM-DD");
  schema_string(w, "end", "last date, YYYY-MM-DD");
  w.key("lookback_days").begin_object().field("type", "integer").field("minimum", 1)
      .field("description", "instead of start: this many calendar days before the end (\"last 3 years\" = 1095)").end_object();
  w.key("train_ratio").begin_object().field("type", "number").field("minimum", msg::plan_limits::min_train_ratio)
      .field("maximum", msg::plan_limits::max_train_ratio).field("description", "share of bars for training (chronological)").end_object();
  w.key("horizon").begin_object().field("type", "integer").field("minimum", 1).field("maximum", msg::plan_limits::max_horizon)
      .field("description", "bars ahead the label looks (5 = a week)").end_object();
  schema_enum(w, "data_source", {msg::data_sources.begin(), msg::data_sources.end()}, "where bars come from");
  w.key("seed").begin_object().field("type", "integer").field("minimum", 0).end_object();
  w.key("long_threshold").begin_object().field("type", "number").field("description", "go long when P(up) is above (0.5-1)").end_object();
  w.key("short_threshold").begin_object().field("type", "number").field("description", "go short when P(up) is below (0-0.5)").end_object();
  w.key("allow_short").begin_object().field("type", "boolean").end_object();
  w.key("commission_bps").begin_object().field("type", "number").field("minimum", 0).field("maximum", msg::plan_limits::max_commission_bps).end_object();
  w.key("slippage_bps").begin_object().field("type", "number").field("minimum", 0).field("maximum", msg::plan_limits::max_slippage_bps).end_object();
  w.key("cash").begin_object().field("type", "number").field("exclusiveMinimum", 0).end_object();
  w.key("optimize").begin_object().field("type", "boolean")
      .field("description", "search hyperparameters after the first fit (xgboost, logistic)").end_object();
}

// One ticker as the model wrote it: upper case, "$" dropped, a company name
// mapped; "" or what is wrong.
std::string read_ticker(const std::string& written, const std::function<bool(const std::string&)>& symbol_exists,
                        std::string& out) {
  std::string t = written;
  for (auto& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!t.empty() && t[0] == '$') t.erase(0, 1);
  if (!symbol_exists(t)) {
    if (auto named = ml::ticker_for_name(written)) t = *named;
    else
      return "symbol '" + written + "' is not a ticker we can load; use a listed US ticker (AAPL, TSLA, SPY, ...) "
             "or, if the person named something else, use reply to ask them";
  }
  out = t;
  return "";
}

// symbols / drop_symbols / add_symbols: an array of tickers; `symbols` may
// also name a built-in list ("dow30"). The first of `symbols` stands for the
// plan's symbol, as the rules parser reads it.
std::string read_symbol_list(const std::string& key, simdjson::dom::element v, plan_edit& e,
                             const std::function<bool(const std::string&)>& symbol_exists) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return key + " must be an array of tickers";
  std::vector<std::string> out;
  for (auto item : arr) {
    auto s = as_string(item);
    if (!s || s->empty()) return key + " must hold ticker strings";
    if (const auto* idx = key == "symbols" ? ml::index_named(*s) : nullptr) {
      e.universe = idx->id;
      for (const auto& t : idx->tickers)
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
      continue;
    }
    std::string t;
    if (auto err = read_ticker(*s, symbol_exists, t); !err.empty()) return err;
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  if (key == "drop_symbols") e.drop_symbols = out;
  else if (key == "add_symbols") e.add_symbols = out;
  else if (out.size() == 1 && !e.universe) e.symbol = out.front();  // one symbol is a plain trial
  else if (!out.empty()) {
    e.symbols = out;
    e.symbol = out.front();
  }
  return "";
}

// Reads a plan edit; "" or what is wrong. Value ranges are left to
// apply_edit, which refuses impossible plans with a reason the person reads.
std::string read_plan_edit(simdjson::dom::object obj, plan_edit& e,
                           const std::function<bool(const std::string&)>& symbol_exists) {
  for (auto field : obj) {
    const std::string key(field.key);
    auto v = field.value;
    if (is_null(v)) continue;
    auto need_string = [&](std::optional<std::string>& out) -> std::string {
      auto s = as_string(v);
      if (!s) return key + " must be a string";
      out = *s;
      return "";
    };
    auto need_number = [&](std::optional<double>& out) -> std::string {
      auto d = as_number(v);
      if (!d || !std::isfinite(*d)) return key + " must be a number";
      out = *d;
      return "";
    };
    auto need_int = [&](auto& out, double lo) -> std::string {
      auto d = as_number(v);
      if (!d || std::floor(*d) != *d || *d < lo || *d > 1e12) return key + " must be a whole number of at least " + num(lo);
      out = static_cast<std::remove_reference_t<decltype(*out)>>(*d);
      return "";
    };
    std::string err;
    if (key == "symbol") {
      auto s = as_string(v);
      if (!s || s->empty()) return "symbol must be a ticker string";
      std::string t;
      if (auto bad = read_ticker(*s, symbol_exists, t); !bad.empty()) return bad;
      if (!e.symbols) e.symbol = t;  // a list, read before or after, stands for itself
    } else if (key == "symbols" || key == "drop_symbols" || key == "add_symbols") {
      err = read_symbol_list(key, v, e, symbol_exists);
    } else if (key == "model") {
      auto s = as_string(v);
      if (!s || !msg::model_known(*s))
        return "model '" + (s ? *s : std::string("?")) + "' is not available (known: " + msg::known_models() +
               "); if the person asked for it, use reply to say so";
      e.model = *s;
    } else if (key == "start" || key == "end") {
      std::optional<std::string> d;
      err = need_string(d);
      std::int64_t t = 0;
      if (err.empty() && (d->size() != 10 || !ml::parse_datetime(*d, t)))
        err = key + " '" + *d + "' is not a date YYYY-MM-DD";
      if (err.empty()) (key == "start" ? e.start : e.end) = d;
    } else if (key == "data_source") {
      std::optional<std::string> d;
      err = need_string(d);
      if (err.empty() && std::find(msg::data_sources.begin(), msg::data_sources.end(), *d) == msg::data_sources.end())
        err = "data_source must be auto, synthetic, csv or polygon";
      if (err.empty()) e.data_source = d;
    } else if (key == "train_ratio") {
      err = need_number(e.train_ratio);
    } else if (key == "horizon") {
      err = need_int(e.horizon, 1);
    } else if (key == "lookback_days") {
      err = need_int(e.lookback_days, 1);
    } else if (key == "seed") {
      err = need_int(e.seed, 0);
    } else if (key == "long_threshold") {
      err = need_number(e.long_threshold);
    } else if (key == "short_threshold") {
      err = need_number(e.short_threshold);
    } else if (key == "commission_bps") {
      err = need_number(e.commission_bps);
    } else if (key == "slippage_bps") {
      err = need_number(e.slippage_bps);
    } else if (key == "cash") {
      err = need_number(e.cash);
    } else if (key == "allow_short" || key == "optimize") {
      auto b = as_bool(v);
      if (!b) err = key + " must be true or false";
      else (key == "allow_short" ? e.allow_short : e.optimize) = b;
    }
    // Other keys are ignored: models add commentary fields now and then.
    if (!err.empty()) return err;
  }
  return "";
}

net::llm_tool tool(const char* name, const char* description, std::string schema) {
  return net::llm_tool{name, description, std::move(schema)};
}

}  // namespace

net::llm_tool decide_tool(question q) {
  json_writer w;
  w.begin_object().field("type", "object").key("properties").begin_object();
  schema_enum(w, "action", msg::allowed_action_names(q), "what the engine does next");
  schema_string(w, "reason", "one to three sentences that cite the numbers you were given");
  w.key("params").begin_object().field("type", "object").key("properties").begin_object();
  for (const auto& p : msg::decision_params()) {
    if (q == question::volatility && std::string(p.name) != "train_ratio") continue;
    if (q != question::volatility && std::string(p.name) == "train_ratio") continue;
    if (q != question::results && std::string(p.name) == "budget") continue;
    schema_number(w, p);
  }
  w.end_object().field("additionalProperties", false)
      .field("description", q == question::volatility ? "train_ratio for set_train_ratio"
                            : q == question::progress ? "hyperparameters of the current model for modify"
                                                      : "hyperparameters for retrain; budget (evaluations) for optimize")
      .end_object();
  if (q == question::results) schema_enum(w, "model", ml::model_names(), "the model for switch_model");
  w.end_object().key("required").begin_array().value("action").value("reason").end_array().end_object();
  const char* what = q == question::volatility ? "Answer the engine's volatility question: keep the split or set train_ratio."
                     : q == question::progress ? "Answer a training checkpoint: continue, modify hyperparameters, or stop early."
                                               : "Answer the validation results: accept, retrain, switch model or optimise.";
  return tool("decide", what, w.take());
}

net::llm_tool write_report_tool() {
  json_writer w;
  w.begin_object().field("type", "object").key("properties").begin_object();
  schema_string(w, "answer", "the direct answer to the person's question, with the test numbers");
  schema_string(w, "analysis", "ML analysis: train/validation/test metrics, overfitting, features, leakage audit");
  schema_string(w, "trading_insights", "paper trading versus buy-and-hold and the SMA baseline, after costs");
  schema_string(w, "recommendations", "what to do next, concretely");
  schema_string(w, "caveats", "honest limits: synthetic data, multiple testing (deflated Sharpe), costs, sample size");
  w.end_object().key("required").begin_array();
  for (const char* k : {"answer", "analysis", "trading_insights", "recommendations", "caveats"}) w.value(k);
  w.end_array().end_object();
  return tool("write_report", "Write the trial's final report from the numbers given. Never invent a number.", w.take());
}

std::vector<net::llm_tool> chat_tools() {
  std::vector<net::llm_tool> out;
  {
    json_writer w;
    w.begin_object().field("type", "object").key("properties").begin_object();
    plan_properties(w);
    w.end_object().end_object();
    out.push_back(tool("propose_trial",
                       "Propose a new trial (the person asked to analyse, run, test, optimise or predict a symbol, "
                       "or several: give symbols). Needs symbol or symbols. Give only what the person said; "
                       "defaults fill the rest.",
                       w.take()));
  }
  {
    json_writer w;
    w.begin_object().field("type", "object").key("properties").begin_object();
    plan_properties(w);
    w.end_object().end_object();
    out.push_back(tool("amend_proposal", "Change the open proposal: only the fields the person asked to change.", w.take()));
  }
  {
    json_writer w;
    w.begin_object().field("type", "object").key("properties").begin_object();
    schema_string(w, "text", "your answer in plain text");
    w.end_object().key("required").begin_array().value("text").end_array().end_object();
    out.push_back(tool("reply", "Answer a question or explain something; nothing runs.", w.take()));
  }
  {
    json_writer w;
    w.begin_object().field("type", "object").key("properties").begin_object();
    schema_enum(w, "kind",
                {"approve", "reject", "cancel", "list", "show", "status", "help", "paper", "use_brain",
                 "compare_brains", "compare_models", "resume"},
                "approve/reject the open proposal; cancel, show or resume a trial; list trials; status of running "
                "trials; paper trade; switch brain; compare brains or models");
    w.key("trial_id").begin_object().field("type", "integer").field("minimum", 1).end_object();
    schema_enum(w, "brain", {"rules", "anthropic", "openai"}, "for use_brain");
    schema_string(w, "symbol", "for compare_models and paper");
    symbols_properties(w);
    w.key("models").begin_object().field("type", "array").key("items").begin_object().field("type", "string")
        .key("enum").begin_array();
    for (const auto& m : ml::model_names()) w.value(m);
    w.end_array().end_object().field("description", "for compare_models").end_object();
    w.end_object().key("required").begin_array().value("kind").end_array().end_object();
    out.push_back(tool("command", "A command about proposals, trials or brains.", w.take()));
  }
  return out;
}

checked_decision check_decide(const std::string& arguments, question q, const decide_context& ctx) {
  checked_decision out;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (!parse_object(parser, arguments, obj, out.error)) return out;
  msg::decision& d = out.decision;
  simdjson::dom::element e;
  if (obj["action"].get(e) || !as_string(e)) {
    out.error = "the action is missing";
    return out;
  }
  const std::string action_name = *as_string(e);
  const auto action = msg::parse_action(action_name);
  if (!action) {
    out.error = "action '" + action_name + "' is not allowed here (allowed: " + join(msg::allowed_action_names(q)) + ")";
    return out;
  }
  d.action = *action;
  if (obj["reason"].get(e) || !as_string(e) || as_string(e)->empty()) {
    out.error = "the reason is missing";
    return out;
  }
  d.reason = *as_string(e);
  if (d.reason.size() > 2000) d.reason = d.reason.substr(0, 2000);
  if (!obj["params"].get(e) && !is_null(e)) {
    simdjson::dom::object po;
    if (e.get_object().get(po)) {
      out.error = "params must be an object";
      return out;
    }
    for (auto field : po) {
      const std::string key(field.key);
      auto v = as_number(field.value);
      if (!v) {
        out.error = "parameter '" + key + "' must be a number";
        return out;
      }
      d.params[key] = *v;
    }
  }
  if (!obj["model"].get(e) && !is_null(e)) {
    auto m = as_string(e);
    if (!m) {
      out.error = "model must be a string";
      return out;
    }
    d.model = *m;
  }

  // The action decides which fields count.
  out.error = msg::check_decision(d, msg::decision_context{q, ctx.model, ctx.train_ratio_pinned, ctx.budget_left});
  if (!out.error.empty()) return out;
  out.ok = true;
  return out;
}

checked_report check_report(const std::string& arguments, bool synthetic, int configurations) {
  checked_report out;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (!parse_object(parser, arguments, obj, out.error)) return out;
  std::pair<const char*, std::string*> parts[] = {
      {"answer", &out.report.answer},
      {"analysis", &out.report.analysis},
      {"trading_insights", &out.report.trading_insights},
      {"recommendations", &out.report.recommendations},
      {"caveats", &out.report.caveats},
  };
  for (auto& [key, dst] : parts) {
    simdjson::dom::element e;
    auto s = obj[key].get(e) ? std::nullopt : as_string(e);
    if (!s || s->find_first_not_of(" \t\r\n") == std::string::npos) {
      out.error = std::string("the section '") + key + "' is missing or empty";
      return out;
    }
    *dst = s->substr(0, 8000);
  }
  std::string low = out.report.caveats;
  for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (synthetic && low.find("synthetic") == std::string::npos) {
    out.error = "the data is synthetic and the caveats must say so plainly";
    return out;
  }
  if (configurations > 1 && low.find("multiple") == std::string::npos && low.find("deflated") == std::string::npos &&
      low.find("configurations") == std::string::npos) {
    out.error = std::to_string(configurations) +
                " configurations were fitted; the caveats must say that the best of several overstates its skill "
                "(multiple testing, deflated Sharpe when given)";
    return out;
  }
  out.ok = true;
  return out;
}

namespace {

// propose_trial / amend_proposal: the plan edit, and whether it starts a
// trial or edits the open proposal; "" or what is wrong.
std::string check_plan_call(const std::string& name, simdjson::dom::object obj, bool has_proposal,
                            const std::function<bool(const std::string&)>& symbol_exists, intent& in) {
  if (auto err = read_plan_edit(obj, in.changes, symbol_exists); !err.empty()) return err;
  if (name == "propose_trial") {
    if (!in.changes.symbol) return "propose_trial needs a symbol; if the person gave none, use reply to ask which";
    in.kind = intent::run_trial;
  } else if (!has_proposal) {
    if (!in.changes.symbol)
      return "there is no open proposal to amend; use propose_trial with a symbol, or reply to ask for one";
    in.kind = intent::run_trial;
  } else {
    if (in.changes.empty()) return "amend_proposal changed nothing; name the fields to change";
    in.kind = intent::edit;
  }
  return "";
}

std::string check_reply_call(simdjson::dom::object obj, checked_intent& out) {
  simdjson::dom::element e;
  auto s = obj["text"].get(e) ? std::nullopt : as_string(e);
  if (!s || s->find_first_not_of(" \t\r\n") == std::string::npos) return "reply needs a non-empty text";
  out.reply_text = s->substr(0, 4000);
  out.in.kind = intent::unknown;
  return "";
}

std::string read_command_trial_id(simdjson::dom::object obj, std::int64_t& trial) {
  simdjson::dom::element e;
  if (!obj["trial_id"].get(e) && !is_null(e)) {
    auto d = as_number(e);
    if (!d || *d < 1 || std::floor(*d) != *d || *d > 9e15) return "trial_id must be a positive whole number";
    trial = static_cast<std::int64_t>(*d);
  }
  return "";
}

// A command's symbol, read as a plan edit's symbol would be.
std::string read_command_symbol(simdjson::dom::element e, plan_edit& changes,
                                const std::function<bool(const std::string&)>& symbol_exists) {
  plan_edit tmp;
  simdjson::dom::parser p2;
  simdjson::dom::object o2;
  std::string one = "{\"symbol\":";
  auto s = as_string(e);
  if (!s) return "symbol must be a string";
  msg::append_json_string(one, *s);
  one += "}";
  std::string err;
  parse_object(p2, one, o2, err);
  if (auto bad = read_plan_edit(o2, tmp, symbol_exists); !bad.empty()) return bad;
  changes.symbol = tmp.symbol;
  return "";
}

std::string read_command_models(simdjson::dom::element e, std::vector<std::string>& models) {
  simdjson::dom::array arr;
  if (e.get_array().get(arr)) return "models must be an array of model names";
  for (auto m : arr) {
    auto s = as_string(m);
    if (!s || !msg::model_known(*s))
      return "model '" + (s ? *s : std::string("?")) + "' is not available (known: " + msg::known_models() + ")";
    if (std::find(models.begin(), models.end(), *s) == models.end()) models.push_back(*s);
  }
  return "";
}

bool command_kind_named(const std::string& name, intent::kind_t& out) {
  static const std::pair<const char*, intent::kind_t> kinds[] = {
      {"approve", intent::approve}, {"reject", intent::reject}, {"cancel", intent::cancel},
      {"list", intent::list}, {"show", intent::show}, {"status", intent::status}, {"help", intent::help},
      {"paper", intent::paper}, {"use_brain", intent::use_brain}, {"compare_brains", intent::compare_brains},
      {"compare_models", intent::compare_models}, {"resume", intent::resume},
  };
  bool found = false;
  for (const auto& [n, k] : kinds)
    if (name == n) out = k, found = true;
  return found;
}

// The optional fields of a command: trial_id, symbol, symbols, models.
std::string read_command_fields(simdjson::dom::object obj, std::int64_t& trial, intent& in,
                                const std::function<bool(const std::string&)>& symbol_exists) {
  simdjson::dom::element e;
  if (auto err = read_command_trial_id(obj, trial); !err.empty()) return err;
  if (!obj["symbol"].get(e) && !is_null(e))
    if (auto err = read_command_symbol(e, in.changes, symbol_exists); !err.empty()) return err;
  if (!obj["symbols"].get(e) && !is_null(e))
    if (auto err = read_symbol_list("symbols", e, in.changes, symbol_exists); !err.empty()) return err;
  if (!obj["models"].get(e) && !is_null(e))
    if (auto err = read_command_models(e, in.models); !err.empty()) return err;
  return "";
}

std::string check_command_call(simdjson::dom::object obj, bool has_proposal,
                               const std::function<bool(const std::string&)>& symbol_exists, intent& in) {
  simdjson::dom::element e;
  auto kind = obj["kind"].get(e) ? std::nullopt : as_string(e);
  if (!kind) return "command needs a kind";
  std::int64_t trial = 0;
  if (auto err = read_command_fields(obj, trial, in, symbol_exists); !err.empty()) return err;
  if (!command_kind_named(*kind, in.kind)) return "command kind '" + *kind + "' is unknown";
  in.trial_id = trial;
  if ((in.kind == intent::show || in.kind == intent::resume) && trial <= 0)
    return std::string(*kind) + " needs a trial_id";
  if (in.kind == intent::approve && !has_proposal) return "there is no open proposal to approve; reply to say so";
  if (in.kind == intent::use_brain) {
    auto b = obj["brain"].get(e) ? std::nullopt : as_string(e);
    if (!b || (*b != "rules" && *b != "anthropic" && *b != "openai"))
      return "use_brain needs brain rules, anthropic or openai";
    in.brain_name = *b;
  }
  return "";
}

}  // namespace

checked_intent check_chat_call(const net::llm_tool_call& call, bool has_proposal,
                               const std::function<bool(const std::string&)>& symbol_exists) {
  checked_intent out;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (!parse_object(parser, call.arguments, obj, out.error)) return out;
  if (call.name == "propose_trial" || call.name == "amend_proposal")
    out.error = check_plan_call(call.name, obj, has_proposal, symbol_exists, out.in);
  else if (call.name == "reply")
    out.error = check_reply_call(obj, out);
  else if (call.name == "command")
    out.error = check_command_call(obj, has_proposal, symbol_exists, out.in);
  else
    out.error = "there is no tool named '" + call.name + "'";
  out.ok = out.error.empty();
  return out;
}

}  // namespace mlt::brain::llm_tools
