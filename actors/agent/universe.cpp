// Universe trials: one plan fanned out over several symbols ("Run trial on
// AAPL, MSFT and NVDA", "compare models on the Dow 30", a schedule's
// `symbols`). Which symbols can run, what the proposal says about them, how
// an edit changes the list, and the arms an approval starts.

#include "actors/agent/agent_state.hpp"

#include <algorithm>
#include <memory>

#include <caf/all.hpp>

#include "actors/brain/plan_rules.hpp"
#include "actors/tell.hpp"
#include "actors/text_format.hpp"
#include "messages/errors.hpp"
#include "messages/plan_limits.hpp"
#include "ml/market/data_catalog.hpp"
#include "ml/market/data_source.hpp"
#include "ml/market/index_members.hpp"

namespace mlt::actors::agent {

using text::join;

std::string why_no_data(const agent_state& st, const msg::trial_plan& plan, const std::string& symbol) {
  ml::data_request req;
  req.symbol = symbol;
  req.source = plan.data_source;
  ml::data_environment env;
  env.data_dir = st.cfg.data_dir;
  if (st.cfg.polygon_key) env.polygon_api_key = "set";  // only whether a key is set decides the source
  const std::string source = ml::resolve_source(req, env);
  const std::string folder = st.cfg.data_dir.empty() ? std::string("no data folder is configured")
                                                     : "no " + symbol + ".csv in " + st.cfg.data_dir;
  // "auto" without a key or a file would train on the synthetic market under
  // the symbol's name: a universe row that says nothing about the symbol.
  if (source == "synthetic" && plan.data_source != "synthetic")
    return folder + " and no Polygon key";
  if (source == "csv" && ml::find_symbol_csv(st.cfg.data_dir, symbol).empty()) return folder;
  if (source == "polygon" && !st.cfg.polygon_key) return "no Polygon key is set";
  return "";
}

bool choose_universe(agent_state& st, const msg::trial_plan& plan, const std::vector<std::string>& wanted,
                     const std::string& universe, const std::vector<std::string>& unknown, universe_choice& out,
                     msg::agent_turn& refusal) {
  const auto limit = static_cast<std::size_t>(msg::plan_limits::max_universe_symbols);
  if (wanted.size() > limit) {
    refusal = error("too_many_symbols", "that names " + std::to_string(wanted.size()) + " symbols; one request runs " +
                                            "at most " + std::to_string(limit) + ". Split the list into smaller requests.");
    return false;
  }
  out = universe_choice{};
  out.universe = universe;
  std::vector<std::string> missing;
  for (const auto& s : wanted) {
    const std::string why = why_no_data(st, plan, s);
    if (why.empty()) out.symbols.push_back(s);
    else missing.push_back(s + " (" + why + ")");
  }
  for (const auto& u : unknown) missing.push_back(u + " (not a symbol I know)");
  out.missing = missing;
  if (out.symbols.empty()) {
    refusal = error("no_data", missing_text(out) + ". None of the symbols can be loaded: put SYMBOL.csv files in the "
                                                   "data folder, set a Polygon key, or say \"use synthetic data\".");
    return false;
  }
  return true;
}

std::string missing_text(const universe_choice& u) {
  return u.missing.empty() ? std::string() : "I cannot load " + join(u.missing, "; ");
}

std::string universe_plan_text(const agent_state& st, msg::trial_plan plan, const universe_choice& u,
                               const std::vector<std::string>& models) {
  plan.symbol = "SYMBOL";
  std::string text = brain::describe_plan(plan);
  const std::string symbol_line = "  symbol:        SYMBOL\n";
  const auto* idx = ml::index_named(u.universe);
  const std::string symbols = "  symbols:       " + join(u.symbols) + " (" + std::to_string(u.symbols.size()) +
                              (idx ? " of " + idx->name + ", members as of " + idx->as_of : std::string()) + ")\n";
  if (text.rfind(symbol_line, 0) == 0) text.replace(0, symbol_line.size(), symbols);
  // A universe never stands the synthetic market in for a missing file.
  const std::string fallback = ", else synthetic)";
  if (auto at = text.find(fallback); at != std::string::npos && plan.data_source == "auto")
    text.replace(at, fallback.size(), "; a symbol with neither was left out)");
  for (const auto& s : u.symbols)
    text += "\n  " + s + " loads: " + ml::describe_data_choice(s, plan.data_source, st.cfg.data_dir, st.cfg.polygon_key);
  const std::size_t n = u.symbols.size() * std::max<std::size_t>(1, models.size());
  text += "\nOn approval I run it once per symbol" + std::string(models.empty() ? "" : " and model") + ": " +
          std::to_string(n) + " trials, queued by the engine, and answer with one table when all have ended.";
  return text;
}

std::string edit_universe(universe_choice& u, const brain::plan_edit& e) {
  if (e.symbols) {
    u.symbols = *e.symbols;
    u.universe = e.universe.value_or("");
  } else if (e.symbol && e.drop_symbols.empty() && e.add_symbols.empty()) {
    u.symbols = {*e.symbol};  // "use TSLA": one symbol again
    u.universe.clear();
  }
  for (const auto& d : e.drop_symbols) {
    auto it = std::find(u.symbols.begin(), u.symbols.end(), d);
    if (it == u.symbols.end()) return d + " is not in the proposal (" + join(u.symbols) + ")";
    u.symbols.erase(it);
    u.universe.clear();  // no longer the list as published
  }
  for (const auto& a : e.add_symbols)
    if (std::find(u.symbols.begin(), u.symbols.end(), a) == u.symbols.end()) {
      u.symbols.push_back(a);
      u.universe.clear();
    }
  if (u.symbols.empty()) return "that leaves no symbol to run";
  return "";
}

void run_universe(agent_self* self, turn_promise rp, const msg::run_universe& m) {
  universe_choice u;
  msg::agent_turn refusal;
  if (!choose_universe(self->state, m.plan, m.symbols, m.universe, {}, u, refusal)) {
    rp.deliver(refusal);
    return;
  }
  auto plan = m.plan;
  plan.symbol = u.symbols.front();
  // Every arm is recorded as its own proposal (there is no chat proposal).
  start_arms(self, rp, {}, plan, universe_arms(u, {}, current_mode(self->state), m.origin), "universe", nullptr,
             false, u.missing);
}

bool cancel_waiting(agent_self* self, msg::trial_id trial_id) {
  auto& st = self->state;
  auto it = std::find_if(st.waiting_arms.begin(), st.waiting_arms.end(),
                         [&](const auto& w) { return w.first == trial_id; });
  if (it == st.waiting_arms.end()) return false;
  st.waiting_arms.erase(it);
  st.busy_refusals.erase(trial_id);
  const std::string text = "cancelled by the person before it started";
  tell(self, st.cfg.store, msg::set_trial_status{trial_id, msg::trial_status::cancelled, text});
  tell(self, st.observer, msg::trial_failed{trial_id, msg::trial_status::cancelled, "cancelled", text});
  arm_done(self, trial_id, nullptr, nullptr, "cancelled: " + text);
  // Not trial_finished: it was never running, so no waiting arm takes its place.
  st.active_trials.erase(trial_id);
  st.modes.erase(trial_id);
  maybe_quit(self);
  return true;
}

bool cancel_universe(agent_self* self, turn_promise& rp, const std::string& symbol) {
  auto& st = self->state;
  auto c = std::find_if(st.comparisons.rbegin(), st.comparisons.rend(),
                        [](const auto& kv) { return kv.second.kind == "universe"; });
  if (c == st.comparisons.rend()) return false;
  const auto& symbols = c->second.symbols;
  if (!symbol.empty() && std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) {
    rp.deliver(error("not_running", symbol + " is not in the universe running now (" + join(symbols) +
                                        "); say \"cancel\" to cancel all of it"));
    return true;
  }
  // Which arms, decided before any is touched: cancelling the last waiting
  // one can complete the universe and end its record here.
  std::vector<msg::trial_id> waiting, in_engine;
  for (const auto& a : c->second.arms) {
    if (a.done || (!symbol.empty() && a.symbol != symbol)) continue;
    const bool waits = std::any_of(st.waiting_arms.begin(), st.waiting_arms.end(),
                                   [&](const auto& w) { return w.first == a.trial_id; });
    (waits ? waiting : in_engine).push_back(a.trial_id);
  }
  const std::string which = symbol.empty() ? "trial of the universe" : symbol + " trial of the universe";
  if (waiting.empty() && in_engine.empty()) {
    rp.deliver(error("not_running", "every " + which + " has already ended"));
    return true;
  }
  const auto first = c->first;
  // Waiting arms first, so that no arm the engine stops lets one of them start.
  for (auto id : waiting) cancel_waiting(self, id);
  const std::string text = "Cancelling every " + which + " that has not ended: " +
                           std::to_string(in_engine.size()) + " in the engine (running or queued)" +
                           (waiting.empty() ? std::string()
                                            : " and " + std::to_string(waiting.size()) + " that had not started") +
                           (symbol.empty() ? ". The table follows, their rows marked cancelled."
                                           : ". Their rows will say cancelled; the other symbols go on.");
  if (in_engine.empty()) {
    rp.deliver(reply(text, first));
    return true;
  }
  // The answer once the engine has answered for every arm it holds.
  auto left = std::make_shared<std::size_t>(in_engine.size());
  auto done = [=]() mutable {
    if (--*left == 0) rp.deliver(reply(text, first));
  };
  // The engine answers after the start_trials sent before: an arm it had
  // just refused as busy waits here again by then, and is cancelled here.
  for (auto id : in_engine)
    self->request(st.cfg.engine, std::chrono::seconds(30), msg::cancel_trial{id, "cancelled by the person"})
        .then(
            [=](bool in_the_engine) mutable {
              if (!in_the_engine) cancel_waiting(self, id);
              done();
            },
            [=](caf::error&) mutable { done(); });
  return true;
}

bool wait_when_busy(agent_self* self, msg::trial_id trial_id, const msg::trial_plan& plan, const caf::error& e) {
  auto& st = self->state;
  const auto refusals = ++st.busy_refusals[trial_id];
  if (refusals > busy_retries) {
    st.busy_refusals.erase(trial_id);
    return false;
  }
  st.waiting_arms.emplace_front(trial_id, plan);
  self->delayed_send(self, busy_retry_every, arm_retry_atom::value, trial_id, refusals);
  auto in = st.compared_in.find(trial_id);
  auto c = in == st.compared_in.end() ? st.comparisons.end() : st.comparisons.find(in->second);
  if (c == st.comparisons.end() || c->second.told_busy) return true;
  c->second.told_busy = true;
  std::string label;
  for (const auto& a : c->second.arms)
    if (a.trial_id == trial_id) label = " (" + a.label + ")";
  const std::string whole = c->second.kind == "universe" ? "universe" : "comparison";
  say(self,
      "The engine's queue is full (" + msg::error_sentence(e) + "). Trial " + msg::to_string(trial_id) + label +
          " waits here: I offer it again every " + std::to_string(busy_retry_every.count()) +
          " s and whenever another of your trials ends, for up to " +
          std::to_string(busy_wait_minutes) + " minutes; any other trial of this " +
          whole + " the engine refuses waits the same way.",
      trial_id);
  return true;
}

void retry_arm(agent_self* self, msg::trial_id trial_id, std::int32_t refusals) {
  auto& st = self->state;
  auto count = st.busy_refusals.find(trial_id);
  if (count == st.busy_refusals.end() || count->second != refusals) return;  // refused again since, or gone
  auto it = std::find_if(st.waiting_arms.begin(), st.waiting_arms.end(),
                         [&](const auto& w) { return w.first == trial_id; });
  if (it == st.waiting_arms.end()) return;  // an ending arm started it already
  auto plan = std::move(it->second);
  st.waiting_arms.erase(it);
  start_one(self, trial_id, std::move(plan));
}

std::vector<arm_spec> universe_arms(const universe_choice& u, const std::vector<std::string>& models, trial_mode mode,
                                    const std::string& origin) {
  std::vector<arm_spec> arms;
  const std::vector<std::string> each = models.empty() ? std::vector<std::string>{""} : models;
  for (const auto& s : u.symbols)
    for (const auto& m : each) arms.push_back({m.empty() ? s : s + " " + m, mode, m, origin, s, u.universe});
  return arms;
}

}  // namespace mlt::actors::agent
