#include "actors/agent/agent_state.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>
#include <caf/all.hpp>
#include "actors/brain/brain.hpp"
#include "actors/brain/intent.hpp"
#include "actors/brain/llm_brain.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/start_trial.hpp"
#include "actors/tell.hpp"
#include "actors/text_format.hpp"
#include "messages/errors.hpp"
#include "messages/schedule_msgs.hpp"
#include "messages/type_ids.hpp"
#include "messages/utc_time.hpp"
#include "ml/market/bar.hpp"
#include "ml/market/data_source.hpp"
#include "ml/market/data_catalog.hpp"
#include "ml/market/synthetic.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"

namespace mlt::actors::agent {

msg::agent_turn reply(std::string text, msg::trial_id trial_id) {
  msg::agent_turn t;
  t.kind = msg::agent_turn::reply;
  t.text = std::move(text);
  t.trial_id = trial_id;
  return t;
}

msg::agent_turn error(std::string code, std::string text) {
  msg::agent_turn t;
  t.kind = msg::agent_turn::error;
  t.error_code = std::move(code);
  t.text = std::move(text);
  return t;
}

// "2026-11-29 02:30 UTC" from seconds since the epoch.
std::string utc_text(std::int64_t t) { return msg::utc_minutes(t); }

// Which symbols exist is the data source's knowledge; the agent asks it.
bool symbol_exists(const agent_state& st, const std::string& s) { return ml::symbol_available(s, st.cfg.data_dir); }

// The last day the plan's data will have once `e` is applied, so that "last
// 3 years" counts back from the data and not from today; "" (today) for
// Polygon, whose data is current. Follows the data loader's choice for auto:
// Polygon with a key, else the CSV file, else the synthetic market.
std::string data_end_for(const agent_state& st, msg::trial_plan plan, const brain::plan_edit& e) {
  if (e.symbol) plan.symbol = *e.symbol;
  if (e.data_source) plan.data_source = *e.data_source;
  if (!plan.end.empty()) return plan.end;
  ml::data_request req;
  req.symbol = plan.symbol;
  req.source = plan.data_source;
  ml::data_environment env;
  env.data_dir = st.cfg.data_dir;
  if (st.cfg.polygon_key) env.polygon_api_key = "set";  // only whether a key is set decides the source
  return ml::last_data_date(req, env);
}

std::string help_text() {
  return "I am mlTrainer. I run machine-learning trials on market data and manage them while they train.\n"
         "  - \"Run trial on TSLA\" or \"Analyze AAPL with LSTM model\": I propose a plan.\n"
         "  - Change it in plain words: \"use xgboost\", \"train ratio 0.7\", \"from 2015-01-01\", \"horizon 5\",\n"
         "    \"use synthetic data\", \"threshold 0.6\", \"allow shorting\", \"commission 5 bps\", \"seed 7\".\n"
         "  - \"yes\" / \"ok\" / \"go\" approves; nothing trains before that.\n"
         "  - \"list trials\", \"show trial 3\", \"status\", \"cancel trial 3\", \"what data do you have?\", \"help\".\n"
         "  - \"paper trade AAPL\" / \"update my AAPL paper portfolio\" (add \"replay\" to watch fills one by one):\n"
         "    the latest completed trial's model trades bars that arrived after it.\n"
         "Models: " + [] {
           std::string s;
           for (const auto& m : ml::model_names()) s += (s.empty() ? "" : ", ") + m;
           return s;
         }() + ". Symbols: well-known US tickers and company names, or any SYMBOL.csv in the data directory.";
}

trial_mode current_mode(const agent_state& st) {
  return st.active != "rules" && st.llm ? trial_mode::llm : trial_mode::rules;
}

std::string brain_label(const agent_state& st, const std::string& kind) {
  if (kind == "anthropic") return "claude (" + st.cfg.brains.anthropic.model + ")";
  if (kind == "openai") return "openai-compatible (" + st.cfg.brains.openai.model + ")";
  return "rules";
}

// Builds an LLM brain of `kind`; nullptr with `why` set when it can't be.
std::unique_ptr<brain::llm_brain> make_llm(agent_self* self, const std::string& kind, std::string& why) {
  const auto& b = self->state.cfg.brains;
  if (kind != "anthropic" && kind != "openai") {
    why = "unknown brain '" + kind + "' (rules, anthropic or openai)";
    return nullptr;
  }
  const net::llm_settings& s = kind == "anthropic" ? b.anthropic : b.openai;
  if (kind == "anthropic" && s.api_key.empty()) {
    why = "no Anthropic API key is set (ANTHROPIC_API_KEY, or brain.anthropic.api_key_env in the config)";
    return nullptr;
  }
  if (kind == "openai" && s.api_key.empty() && s.base_url.find("api.openai.com") != std::string::npos) {
    why = "no OpenAI API key is set (OPENAI_API_KEY), and OPENAI_BASE_URL does not name a local server";
    return nullptr;
  }
  try {
    brain::llm_brain_options o;
    // A little inside the engine's own deadlines, so the LLM brain's rules
    // fallback (with its note) answers before the engine gives up waiting.
    o.decision_deadline = b.deadline * 9 / 10;
    o.report_deadline = b.deadline * 27 / 10;
    o.max_decisions = b.max_decisions;
    o.token_budget = b.token_budget;
    o.memory_turns = b.memory_turns;
    o.max_tokens = kind == "anthropic" ? b.anthropic_max_tokens : b.openai_max_tokens;
    o.knowledge_cutoff = s.knowledge_cutoff;
    o.cutoff_setting = "brain." + kind + ".knowledge_cutoff";
    return std::make_unique<brain::llm_brain>(net::make_llm_client(s), o);
  } catch (const std::exception& e) {
    why = e.what();
    return nullptr;
  }
}

// Tells the person something nobody asked for right now (a fallback note, a
// finished comparison).
void say(agent_self* self, std::string text, msg::trial_id trial_id) {
  if (self->state.observer) tell(self, self->state.observer, reply(std::move(text), trial_id));
}

}  // namespace mlt::actors::agent
