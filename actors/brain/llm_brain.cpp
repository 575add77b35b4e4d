#include "actors/brain/llm_brain.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>
#include <stdexcept>

#include <simdjson.h>

#include "actors/brain/plan_rules.hpp"
#include "actors/brain/report_writer.hpp"
#include "actors/brain/thresholds.hpp"
#include "ml/models/optimize.hpp"
#include "actors/metrics.hpp"
#include "actors/text_format.hpp"
#include "messages/json_writer.hpp"
#include "messages/wire.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"

namespace mlt::brain {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using llm_tools::question;
using msg::json_writer;

net::llm_message user_message(std::string text) {
  net::llm_message m;
  m.role = net::llm_message::user;
  m.text = std::move(text);
  return m;
}

net::llm_message assistant_message(const net::llm_reply& reply) {
  net::llm_message m;
  m.role = net::llm_message::assistant;
  m.text = reply.text;
  m.tool_calls = reply.tool_calls;
  return m;
}

net::llm_message tool_result(const std::string& id, std::string text, bool is_error) {
  net::llm_message m;
  m.role = net::llm_message::tool_result;
  m.tool_call_id = id;
  m.text = std::move(text);
  m.is_error = is_error;
  return m;
}

// The repair turn after a rejected answer: every tool call gets its result
// (the APIs require it), the rejected one says what was wrong.
void add_repair(net::llm_request& req, const net::llm_reply& reply, const net::llm_tool_call* rejected,
                const std::string& error, const std::string& tool_name) {
  auto echo = assistant_message(reply);
  // Arguments that are no JSON object cannot be sent back as a tool call
  // (the Messages API wants an object); the error text says what they were.
  for (auto& c : echo.tool_calls) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(c.arguments).get(doc) || !doc.is_object()) c.arguments = "{}";
  }
  req.messages.push_back(std::move(echo));
  const std::string ask = "Rejected: " + error + ". Call " + tool_name + " again with valid values.";
  if (reply.tool_calls.empty()) {
    req.messages.push_back(user_message(ask));
    return;
  }
  for (const auto& c : reply.tool_calls)
    req.messages.push_back(tool_result(c.id, &c == rejected ? ask : "Ignored: answer with " + tool_name + " only.", true));
}

const net::llm_tool_call* find_call(const net::llm_reply& reply, const std::string& name) {
  for (const auto& c : reply.tool_calls)
    if (c.name == name) return &c;
  return nullptr;
}

// Service error texts should never hold a key; if one ever does, it stops here.
std::string scrub(std::string text) {
  static const std::regex key_re(R"((sk-[A-Za-z0-9_-]{6,}|(?:api[_-]?key|x-api-key|authorization|bearer)\s*[:=]?\s*\S+))",
                                 std::regex::icase);
  text = std::regex_replace(text, key_re, "[redacted]");
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return text;
}

void metrics_json(json_writer& w, const char* key, const ml::classification_metrics& m) {
  w.key(key).begin_object()
      .field("n", static_cast<std::int64_t>(m.n))
      .field("accuracy", m.accuracy)
      .field("balanced_accuracy", m.balanced_accuracy)
      .field("roc_auc", m.roc_auc)
      .field("log_loss", m.log_loss)
      .field("brier", m.brier)
      .field("base_rate_up", m.base_rate)
      .field("predicted_up", static_cast<std::int64_t>(m.tp + m.fp))
      .field("predicted_down", static_cast<std::int64_t>(m.tn + m.fn))
      .end_object();
}

void paper_json(json_writer& w, const char* key, const ml::paper_stats& p) {
  w.key(key).begin_object()
      .field("total_return", p.total_return)
      .field("cagr", p.cagr)
      .field("sharpe", p.sharpe)
      .field("max_drawdown", p.max_drawdown)
      .field("trades", p.trades)
      .field("win_rate", p.win_rate)
      .field("exposure", p.exposure)
      .field("fees", p.fees)
      .end_object();
}

void map_json(json_writer& w, const char* key, const std::map<std::string, double>& m) {
  w.key(key).begin_object();
  for (const auto& [k, v] : m) w.field(k, v);
  w.end_object();
}

void strings_json(json_writer& w, const char* key, const std::vector<std::string>& v) {
  w.key(key).begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

void allowed_json(json_writer& w, question q) { strings_json(w, "allowed_actions", msg::allowed_action_names(q)); }

std::string tunable_params_text(const std::string& model) {
  std::string s;
  for (const auto& p : msg::decision_params()) {
    if (*p.models && msg::applies_to(p, model))
      s += (s.empty() ? "" : ", ") + std::string(p.name) + " " + (p.lo_open ? "(" : "[") +
           actors::text::fmt("%g", p.lo) + ", " + actors::text::fmt("%g", p.hi) + "]";
  }
  return s;
}

}  // namespace

std::string decision_system_prompt() {
  return "You are mlTrainer, the agent that manages machine-learning trials on market data (daily or intraday bars; the facts' bar_size says which) for quants and ML "
         "traders who distrust numbers that look too good. An ML engine trains a model to predict the direction of "
         "the close h bars ahead, with a chronological train / validation / test split, an embargo of h bars between "
         "the parts, features that use only past bars, and scalers fitted on training rows only. The test part stays "
         "untouched until the final evaluation, then the predictions are paper traded with commissions.\n"
         "Checkpoint protocol: the engine asks you a question and you answer by calling the decide tool exactly "
         "once, with an action from allowed_actions, a short reason that cites the numbers you were given, and "
         "params only when the action needs them.\n"
         "- volatility: continue (keep the split) or set_train_ratio with params.train_ratio in [" +
         actors::text::fmt("%.1f", msg::plan_limits::min_train_ratio) + ", " +
         actors::text::fmt("%.1f", msg::plan_limits::max_train_ratio) + "]; a "
         "high-volatility regime argues for a smaller ratio (" + actors::text::fmt("%.2f", thresholds::train_ratio_high) +
         ") so validation and test see the current regime; never override a train_ratio the person set.\n"
         "- progress: continue, modify (params: more regularised hyperparameters of the current model) or stop "
         "(early stop, keeping the best iteration). Overfitting is validation loss above training loss by more than " +
         actors::text::fmt("%.2f", thresholds::overfit_gap) + " and rising; a stall is less than " +
         actors::text::fmt("%g", thresholds::stall_delta) + " improvement over the last three measured steps (an ensemble member's steps count apart from the other members').\n"
         "- results (validation only): continue (evaluate on the test part), retrain (params), switch_model (model), "
         "or optimize (params.budget evaluations; every model but the majority baseline). An edge is real only when validation "
         "accuracy beats the better of 0.5 and the majority-class rate by " +
         actors::text::fmt("%.0f", thresholds::edge_z) + " standard errors and the model predicts both classes. "
         "Every extra configuration is another test: the more you try, the more the best one overstates its skill, so "
         "stop searching when there is no budget or no sign of signal, and say so.\n"
         "Reports: call write_report; use only the numbers given (never invent one), state plainly when there is no "
         "evidence of skill, and name the caveats: synthetic data when it is synthetic, multiple testing (deflated "
         "Sharpe when given), transaction costs, sample size, and that past performance does not predict returns.";
}

std::string chat_system_prompt() {
  return "You are mlTrainer, an agent that runs machine-learning trials on market data (daily or intraday bars): it proposes a trial "
         "plan (symbol, model, date range, train_ratio, horizon, data source, paper-trading settings), the person "
         "negotiates and approves it, then an engine trains the model while you answer its checkpoint questions, "
         "and you write the final report. Read each chat line and call exactly one tool:\n"
         "- propose_trial when the person asks to analyse, run, test, predict, backtest or optimise a symbol "
         "(company names become tickers: Apple -> AAPL, Tesla -> TSLA, S&P 500 -> SPY, Nasdaq -> QQQ), or several "
         "symbols at once: give symbols, e.g. [\"AAPL\",\"MSFT\"], or [\"dow30\"] for the Dow 30 (also in "
         "command compare_models);\n"
         "- amend_proposal when a proposal is open and the person changes something (only those fields; "
         "drop_symbols / add_symbols for \"drop MSFT\" / \"add TSLA\");\n"
         "- command for approve, reject, cancel / show / resume trial N, list, status, help, paper trading, "
         "switching brain (rules, anthropic, openai), comparing brains or comparing models;\n"
         "- reply for questions and anything else; keep it short and honest (no look-ahead, costs matter, one good "
         "backtest proves little).\n"
         "Relative dates: \"last 3 years\" is lookback_days 1095. Percentages: \"train on 80%\" is train_ratio 0.8. "
         "Models available: " + [] {
           std::string s;
           for (const auto& m : ml::model_names()) s += (s.empty() ? "" : ", ") + m;
           return s;
         }() + ". Never invent a ticker; if unsure, reply and ask.";
}

llm_brain::llm_brain(std::unique_ptr<net::llm_client> client, llm_brain_options options,
                     std::function<bool(const std::string&)> symbol_exists)
    : client_(std::move(client)),
      opt_(options),
      symbol_exists_(std::move(symbol_exists)),
      rules_(make_rules_brain()) {
  if (!client_) throw std::invalid_argument("llm_brain needs a client");
  if (!symbol_exists_) symbol_exists_ = [](const std::string& s) { return ml::is_known_ticker(s); };
}

std::string llm_brain::name() const { return client_->kind(); }

std::string llm_brain::model() const { return client_->model(); }

std::string llm_brain::speaker() const {
  if (client_->kind() == "anthropic") return "claude";
  return client_->model().empty() ? "the LLM" : "the LLM (" + client_->model() + ")";
}

std::string llm_brain::failure_note(const net::llm_error& e) const {
  const std::string status = e.status > 0 ? " (HTTP " + std::to_string(e.status) + ")" : "";
  switch (e.kind) {
    case net::llm_failure::auth:
      // Never the service's text here: it is the one place a key could echo.
      return speaker() + " rejected the API key" + status + "; check the key set in the environment";
    case net::llm_failure::rate_limited: return speaker() + " is rate-limited" + status + " after retries";
    case net::llm_failure::overloaded: return speaker() + " is overloaded" + status + " after retries";
    case net::llm_failure::server: return speaker() + " failed with a server error" + status;
    case net::llm_failure::timeout: return speaker() + " did not answer in time: " + scrub(e.what());
    case net::llm_failure::transport: return speaker() + " could not be reached: " + scrub(e.what());
    case net::llm_failure::malformed: return speaker() + " sent a reply that is not the API's format" + status;
    case net::llm_failure::bad_request: return speaker() + " refused the request" + status + ": " + scrub(e.what());
  }
  return speaker() + " failed: " + scrub(e.what());
}

net::llm_reply llm_brain::call(const net::llm_request& req, brain_usage* trial) {
  ++total_.llm_calls;
  if (trial) ++trial->llm_calls;
  auto reply = client_->complete(req);
  total_.input_tokens += reply.usage.input_tokens;
  total_.output_tokens += reply.usage.output_tokens;
  metrics::add_llm_tokens(name(), reply.usage.input_tokens, reply.usage.output_tokens);
  if (trial) {
    trial->input_tokens += reply.usage.input_tokens;
    trial->output_tokens += reply.usage.output_tokens;
  }
  return reply;
}

msg::decision llm_brain::fallback(trial_state& t, msg::decision d, const std::string& note) {
  ++t.used.fallbacks;
  ++total_.fallbacks;
  d.brain = "rules";
  d.note = note;
  return d;
}

msg::decision llm_brain::decide(msg::trial_id trial_id, question q, const std::string& question_json,
                                const llm_tools::decide_context& ctx, msg::decision rules_decision) {
  auto& t = trials_[trial_id];
  const auto tokens = [&] { return t.used.input_tokens + t.used.output_tokens; };
  if (t.asked >= opt_.max_decisions)
    return fallback(t, rules_decision, "the LLM decision budget of this trial (" + std::to_string(opt_.max_decisions) +
                                           " questions) is spent; rules brain decided");
  if (tokens() >= opt_.token_budget)
    return fallback(t, rules_decision, "the token budget of this trial is spent (" + std::to_string(tokens()) + " of " +
                                           std::to_string(opt_.token_budget) + " tokens); rules brain decided");
  ++t.asked;
  const auto deadline = clock_type::now() + opt_.decision_deadline;
  const std::string deadline_text = std::to_string(opt_.decision_deadline.count()) + " ms";
  net::llm_request req;
  req.system = decision_system_prompt();
  req.tools = {llm_tools::decide_tool(q)};
  req.tool_choice = "decide";
  req.max_tokens = opt_.max_tokens;
  req.messages.push_back(user_message("The engine asks (numbers as JSON):\n" + question_json));
  std::string first_error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto left = duration_cast<milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0)
      return fallback(t, rules_decision, speaker() + " used up the " + deadline_text + " deadline" +
                                             (first_error.empty() ? "" : " after an invalid answer (" + first_error + ")") +
                                             "; rules brain decided");
    req.timeout = left;
    net::llm_reply reply;
    try {
      reply = call(req, &t.used);
    } catch (const net::llm_error& e) {
      return fallback(t, rules_decision, failure_note(e) + "; rules brain decided");
    }
    // The client bounds its own time; the deadline is checked here too.
    if (clock_type::now() > deadline)
      return fallback(t, rules_decision, speaker() + " answered after the " + deadline_text + " deadline; rules brain decided");
    const auto* dc = find_call(reply, "decide");
    llm_tools::checked_decision c;
    if (!dc) c.error = "the answer did not call the decide tool";
    else c = llm_tools::check_decide(dc->arguments, q, ctx);
    if (c.ok) {
      c.decision.brain = name();
      if (attempt == 1)
        c.decision.note = speaker() + "'s first answer was rejected (" + first_error + "); its corrected answer was used";
      ++t.used.llm_decisions;
      ++total_.llm_decisions;
      return c.decision;
    }
    if (attempt == 1)
      return fallback(t, rules_decision, speaker() + " answered invalidly twice (" + first_error +
                                             (c.error == first_error ? "" : "; then " + c.error) + "); rules brain decided");
    first_error = c.error;
    if (tokens() >= opt_.token_budget)
      return fallback(t, rules_decision, speaker() + "'s answer was invalid (" + first_error +
                                             ") and the token budget leaves no repair; rules brain decided");
    add_repair(req, reply, dc, c.error, "decide");
  }
  return fallback(t, rules_decision, "no valid answer; rules brain decided");
}

msg::decision llm_brain::on_volatility(const msg::volatility_report& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto rules = rules_->on_volatility(r);
  json_writer w;
  w.begin_object().field("question", "volatility").field("trial_id", r.trial_id).field("symbol", r.symbol)
      .field("bars", r.bars).field("vol_annual", r.vol_annual).field("vol_recent_63_bars", r.vol_recent)
      .field("regime", r.regime).field("measured_from", r.window_first_date).field("measured_to", r.window_last_date)
      .field("measured_on", "rows that train under every allowed train_ratio; no validation or test bar");
  w.key("plan").begin_object().field("model", r.plan.model).field("train_ratio", r.plan.train_ratio)
      .field("val_ratio", r.plan.val_ratio).field("horizon", r.plan.horizon)
      .field("train_ratio_set_by_person", msg::is_pinned(r.plan, "train_ratio"))
      .field("person_asked_to_optimize", wants_optimize(r.plan)).end_object();
  allowed_json(w, question::volatility);
  w.end_object();
  llm_tools::decide_context ctx;
  ctx.model = r.plan.model;
  ctx.train_ratio_pinned = msg::is_pinned(r.plan, "train_ratio");
  return decide(r.trial_id, question::volatility, w.take(), ctx, std::move(rules));
}

msg::decision llm_brain::on_progress(const msg::progress_report& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto rules = rules_->on_progress(r);
  json_writer w;
  w.begin_object().field("question", "progress").field("trial_id", r.trial_id).field("model", r.model)
      .field("step", r.step).field("total_steps", r.total).field("train_log_loss", r.train_loss)
      .field("val_log_loss", r.val_loss).field("val_accuracy", r.val_metric);
  w.key("val_log_loss_history").begin_array();
  for (double v : r.val_loss_history) w.value(v);
  w.end_array().field("modifications_so_far", r.modifications)
      .field("hyperparameters_you_may_set", tunable_params_text(r.model));
  allowed_json(w, question::progress);
  w.end_object();
  llm_tools::decide_context ctx;
  ctx.model = r.model;
  return decide(r.trial_id, question::progress, w.take(), ctx, std::move(rules));
}

msg::decision llm_brain::on_initial_results(const msg::initial_results& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto rules = rules_->on_initial_results(r);
  const double n = std::max<double>(1.0, static_cast<double>(r.val.n));
  const double ref = std::max({0.5, r.val.base_rate, 1.0 - r.val.base_rate});
  const double se = std::sqrt(ref * (1.0 - ref) / n);
  const bool one_class = (r.val.tp + r.val.fp == 0) || (r.val.tn + r.val.fn == 0);
  json_writer w;
  w.begin_object().field("question", "results").field("trial_id", r.trial_id).field("model", r.model)
      .field("attempt", r.attempt).field("decisions_left", r.budget_left);
  metrics_json(w, "train", r.train);
  metrics_json(w, "validation", r.val);
  w.field("reference_accuracy", ref).field("standard_error", se)
      .field("edge_in_standard_errors", one_class ? 0.0 : (r.val.accuracy - ref) / std::max(se, 1e-12))
      .field("predicts_one_class_only", one_class);
  map_json(w, "params", r.params);
  strings_json(w, "models_tried", r.tried_models);
  strings_json(w, "models_available", ml::model_names());
  w.field("hyperparameters_you_may_set", tunable_params_text(r.model))
      .field("optimizer_can_tune", ml::can_optimize(r.model));
  allowed_json(w, question::results);
  w.end_object();
  llm_tools::decide_context ctx;
  ctx.model = r.model;
  ctx.budget_left = r.budget_left;
  return decide(r.trial_id, question::results, w.take(), ctx, std::move(rules));
}

namespace {

// The trial's numbers and the rules brain's draft, as the LLM reads them.
std::string report_numbers_json(const msg::trial_summary& s, const msg::final_report& draft) {
  json_writer w;
  w.begin_object().field("trial_id", s.trial_id).field("symbol", s.symbol).field("model", s.model)
      .field("data_source", s.data_source).field("data_origin", s.data_origin).field("synthetic_data", s.synthetic)
      .field("first_date", s.first_date).field("last_date", s.last_date).field("bars", s.bars)
      .field("bar_size", s.bar_size).field("features", s.features).field("vol_annual", s.vol_annual).field("regime", s.regime)
      .field("train_ratio", s.plan.train_ratio).field("horizon_bars", s.plan.horizon)
      .field("commission_bps", s.plan.paper.commission_bps).field("slippage_bps", s.plan.paper.slippage_bps)
      .field("long_threshold", s.plan.paper.long_threshold).field("allow_short", s.plan.paper.allow_short);
  metrics_json(w, "train", s.train);
  metrics_json(w, "validation", s.val);
  metrics_json(w, "test", s.test);
  w.field("test_first_date", s.test_first_date).field("test_last_date", s.test_last_date);
  w.key("test_ic_vs_forward_return").begin_object().field("n", static_cast<std::int64_t>(s.test_vs_return.n))
      .field("ic", s.test_vs_return.ic).field("hit_rate", s.test_vs_return.hit_rate).end_object();
  paper_json(w, "paper_trading", s.paper);
  paper_json(w, "buy_and_hold", s.buy_hold);
  map_json(w, "paper_detail", s.paper_detail);
  map_json(w, "sma_10_30_crossover", s.sma_cross);
  w.key("walk_forward");
  msg::write_walk_forward(w, s.walk_forward);
  w.field("configurations_tried", s.configurations_tried).field("decisions", s.decisions);
  strings_json(w, "models_tried", s.models_tried);
  strings_json(w, "warnings", s.warnings);
  w.field("leakage_audit", s.leakage_audit).field("optimizer", s.optimizer);
  msg::write_multiple_testing(w, s);
  msg::write_validation_use(w, s.validation_use);
  w.key("rules_brain_draft").begin_object().field("answer", draft.answer).field("analysis", draft.analysis)
      .field("trading_insights", draft.trading_insights).field("recommendations", draft.recommendations)
      .field("caveats", draft.caveats).end_object();
  w.end_object();
  return w.take();
}

}  // namespace

// The LLM's report, or nullopt with `why_not` saying why not; an invalid
// report is repaired once.
std::optional<msg::final_report> llm_brain::ask_report(const msg::trial_summary& s, const std::string& numbers,
                                                      trial_state& t, std::string& why_not) {
  const auto tokens = [&] { return t.used.input_tokens + t.used.output_tokens; };
  std::optional<msg::final_report> written;
  const auto deadline = clock_type::now() + opt_.report_deadline;
  net::llm_request req;
  req.system = decision_system_prompt();
  req.tools = {llm_tools::write_report_tool()};
  req.tool_choice = "write_report";
  req.max_tokens = std::max(opt_.max_tokens, 2048);
  req.messages.push_back(user_message(
      "The trial is finished. Write the final report with write_report. Rest the answer and the recommendation on "
      "the walk-forward evidence (every out-of-sample fold, pooled, with standard errors), not on the test slice "
      "alone: a model that wins on the test slice and loses walk-forward has no demonstrated edge, say so. The "
      "numbers, and a draft the rules brain wrote from them (keep its numbers; improve the explanation where you "
      "can):\n" + numbers));
  std::string first_error;
  for (int attempt = 0; attempt < 2 && !written && why_not.empty(); ++attempt) {
    const auto left = duration_cast<milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) {
      why_not = speaker() + " used up the report deadline";
      break;
    }
    req.timeout = left;
    net::llm_reply reply;
    try {
      reply = call(req, &t.used);
    } catch (const net::llm_error& e) {
      why_not = failure_note(e);
      break;
    }
    const auto* rc = find_call(reply, "write_report");
    llm_tools::checked_report c;
    if (!rc) c.error = "the answer did not call write_report";
    else
      // The daemon-wide count is what the deflated Sharpe corrects for.
      c = llm_tools::check_report(rc->arguments, s.synthetic,
                                  static_cast<int>(std::max<std::int64_t>(s.configurations_tried,
                                                                          s.daemon_tested.configurations)));
    if (c.ok) {
      written = c.report;
    } else if (attempt == 1) {
      why_not = speaker() + "'s report was invalid twice (" + first_error + ")";
    } else {
      first_error = c.error;
      if (tokens() >= opt_.token_budget) why_not = speaker() + "'s report was invalid (" + c.error + ")";
      else add_repair(req, reply, rc, c.error, "write_report");
    }
  }
  return written;
}

msg::final_report llm_brain::on_result(const msg::trial_summary& s) {
  std::lock_guard<std::mutex> lock(mutex_);
  (void)rules_->on_result(s);  // lets the rules brain forget the trial
  const msg::final_report draft = write_rules_report(s);
  auto& t = trials_[s.trial_id];
  const auto tokens = [&] { return t.used.input_tokens + t.used.output_tokens; };
  std::optional<msg::final_report> written;
  std::string why_not;
  if (!opt_.llm_report) {
    why_not = "";
  } else if (tokens() >= opt_.token_budget) {
    why_not = "the token budget of this trial was spent (" + std::to_string(tokens()) + " of " +
              std::to_string(opt_.token_budget) + ")";
  } else {
    written = ask_report(s, report_numbers_json(s, draft), t, why_not);
  }
  t.wrote_report = written.has_value();
  msg::final_report rep = written ? *written : draft;
  if (!written && !why_not.empty()) {
    ++t.used.fallbacks;
    ++total_.fallbacks;
    rep.caveats += " " + why_not + "; the rules brain wrote this report from the numbers.";
  }
  rep.trial_id = s.trial_id;
  rep.input_tokens = t.used.input_tokens;
  rep.output_tokens = t.used.output_tokens;
  rep.llm_calls = t.used.llm_calls;
  rep.llm_fallbacks = t.used.fallbacks;
  append_usage(rep, name(), model());
  rep.brain = written ? name() : "rules";
  return rep;
}

void llm_brain::remember(const std::string& user_text, const std::string& answer) {
  memory_.push_back(user_message(user_text));
  net::llm_message a;
  a.role = net::llm_message::assistant;
  a.text = answer;
  memory_.push_back(std::move(a));
  while (memory_.size() > static_cast<std::size_t>(std::max(0, opt_.memory_turns)) * 2) {
    memory_.pop_front();
    memory_.pop_front();
  }
}

intent llm_brain::understand(const std::string& text, const intent& rules_in, bool has_proposal,
                             const std::function<bool(const std::string&)>& given_exists, std::string& reply_text,
                             std::string& note) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto& symbol_exists = given_exists ? given_exists : symbol_exists_;
  reply_text.clear();
  note.clear();
  // Short, unambiguous lines need no LLM; "use rules" must work when the LLM does not.
  if (rules_in.kind == intent::approve || rules_in.kind == intent::reject || rules_in.kind == intent::help ||
      rules_in.kind == intent::use_brain)
    return rules_in;

  net::llm_request req;
  req.system = chat_system_prompt();
  req.tools = llm_tools::chat_tools();
  req.tool_choice = "any";
  req.max_tokens = opt_.max_tokens;
  req.messages.assign(memory_.begin(), memory_.end());
  req.messages.push_back(user_message(text + (has_proposal ? "\n\n[A proposal is open.]" : "\n\n[No proposal is open.]")));
  const auto deadline = clock_type::now() + opt_.chat_deadline;
  std::string first_error;
  auto rules_reading = [&](const std::string& why) {
    note = why + "; the rules parser read the line";
    remember(text, std::string("(read by the rules parser as ") + kind_name(rules_in.kind) + ")");
    return rules_in;
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto left = duration_cast<milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) return rules_reading(speaker() + " used up the chat deadline");
    req.timeout = left;
    net::llm_reply reply;
    try {
      reply = call(req, nullptr);
    } catch (const net::llm_error& e) {
      return rules_reading(failure_note(e));
    }
    const net::llm_tool_call* tc = nullptr;
    for (const auto& c : reply.tool_calls)
      if (c.name == "propose_trial" || c.name == "amend_proposal" || c.name == "reply" || c.name == "command") {
        tc = &c;
        break;
      }
    llm_tools::checked_intent c;
    if (tc) {
      c = llm_tools::check_chat_call(*tc, has_proposal, symbol_exists);
    } else if (!reply.text.empty() && reply.tool_calls.empty()) {
      // A plain text answer is a reply.
      c.ok = true;
      c.in.kind = intent::unknown;
      c.reply_text = reply.text.substr(0, 4000);
    } else {
      c.error = "the answer called none of propose_trial, amend_proposal, reply or command";
    }
    if (c.ok) {
      reply_text = c.reply_text;
      remember(text, tc ? "(called " + tc->name + " " + tc->arguments + ")" : c.reply_text);
      return c.in;
    }
    if (attempt == 1)
      return rules_reading(speaker() + "'s reading was invalid twice (" + first_error +
                           (c.error == first_error ? "" : "; then " + c.error) + ")");
    first_error = c.error;
    add_repair(req, reply, tc, c.error, tc ? tc->name : std::string("one of the tools"));
  }
  return rules_reading("no valid reading");
}

brain_usage llm_brain::usage() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return total_;
}

brain_usage llm_brain::usage(msg::trial_id trial_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = trials_.find(trial_id);
  return it == trials_.end() ? brain_usage{} : it->second.used;
}

llm_role llm_brain::proposal_role() const {
  return llm_role{client_->model(), opt_.knowledge_cutoff, opt_.cutoff_setting, {"the proposal"}};
}

llm_role llm_brain::role_in(msg::trial_id trial_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  llm_role r{client_->model(), opt_.knowledge_cutoff, opt_.cutoff_setting, {}};
  auto it = trials_.find(trial_id);
  if (it == trials_.end()) return r;
  const int n = it->second.used.llm_decisions;
  if (n > 0) r.decided.push_back(std::to_string(n) + (n == 1 ? " checkpoint decision" : " checkpoint decisions"));
  if (it->second.wrote_report) r.decided.push_back("the report");
  return r;
}

}  // namespace mlt::brain
