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
#include "actors/comparison.hpp"
#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/spawn_mode.hpp"
#include "actors/tell.hpp"
#include "actors/text_format.hpp"
#include "messages/errors.hpp"
#include "messages/schedule_msgs.hpp"
#include "messages/type_ids.hpp"
#include "ml/market/bar.hpp"
#include "ml/market/data_source.hpp"
#include "ml/market/data_catalog.hpp"
#include "ml/market/synthetic.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"

namespace mlt::actors {

namespace {

/// How a trial's checkpoint questions are answered.
enum class trial_mode { rules, llm, baseline };

struct agent_state {
  agent_config cfg;
  std::unique_ptr<brain::brain> rules;
  std::unique_ptr<brain::llm_brain> llm;  ///< the LLM brain in use, if any
  std::string active = "rules";           ///< rules | anthropic | openai
  std::map<std::int64_t, trial_mode> modes;
  std::map<std::int64_t, comparison> comparisons;    ///< by the first trial's id
  std::map<std::int64_t, std::int64_t> compared_in;  ///< trial -> its comparison
  std::map<std::int64_t, std::vector<std::string>> batch_models;  ///< proposal -> models to compare
  std::optional<std::pair<std::int64_t, msg::trial_plan>> last_approved;
  std::string active_llm_kind;            ///< kind of `llm` when active is rules
  std::map<std::int64_t, std::string> scheduled_proposals;  ///< offered from a schedule -> its origin
  caf::actor observer;
  bool observer_gone = false;
  std::optional<std::pair<std::int64_t, msg::trial_plan>> proposal;  ///< the open one
  std::set<std::int64_t> superseded;  ///< earlier revisions of proposals
  std::set<std::int64_t> active_trials;
  /// LLMs that shaped a proposal (read the line it came from), by proposal
  /// and then by trial, for the knowledge-cutoff caveat.
  std::map<std::int64_t, std::vector<brain::llm_role>> proposal_llms;
  std::map<std::int64_t, std::vector<brain::llm_role>> trial_llms;
  static inline const char* name = "agent";
};

using agent_self = caf::stateful_actor<agent_state, agent_actor::base>;
/// The answer to the person's chat or approval, delivered when it is known.
using turn_promise = caf::typed_response_promise<msg::agent_turn>;

msg::agent_turn reply(std::string text, std::int64_t trial_id = 0) {
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

// Every refusal carries its own sentence; show that, not CAF's rendering.
std::string why(agent_self*, const caf::error& e) { return msg::error_sentence(e); }

// "2026-11-29 02:30 UTC" from seconds since the epoch.
std::string utc_text(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%d %H:%M UTC", &tm);
  return b;
}

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
  const std::string source = ml::resolve_source(req, env);
  if (source == "synthetic") return ml::format_date(ml::synthetic_default_end());
  if (source == "csv") return ml::csv_last_date(st.cfg.data_dir, plan.symbol);
  return "";
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

// Saves the plan as a new proposal revision and answers with it.
void propose(agent_self* self, turn_promise rp, msg::trial_plan plan, std::string lead,
             std::vector<std::string> batch = {}, std::vector<brain::llm_role> authors = {}) {
  // Which file (or generator) and period the plan will train on, before the
  // person approves it.
  std::string text = lead + brain::describe_plan(plan) + "\n  loads:         " +
                     ml::describe_data_choice(plan.symbol, plan.data_source, self->state.cfg.data_dir,
                                              self->state.cfg.polygon_key);
  if (!batch.empty()) {
    text += "\nOn approval I run it once per model:";
    for (const auto& m : batch) text += " " + m;
    text += " (the last one is the baseline the others are measured against).";
  }
  text += "\nApprove with \"yes\", or tell me what to change.";
  self->request(self->state.cfg.store, std::chrono::seconds(30), msg::save_proposal{plan, text})
      .then(
          [=](std::int64_t id) mutable {
            auto& st = self->state;
            if (st.proposal) st.superseded.insert(st.proposal->first);
            st.proposal = std::make_pair(id, plan);
            if (!batch.empty()) st.batch_models[id] = batch;
            if (!authors.empty()) st.proposal_llms[id] = authors;
            msg::agent_turn t;
            t.kind = msg::agent_turn::proposal;
            t.proposal_id = id;
            t.plan = plan;
            t.text = text;
            rp.deliver(t);
          },
          [=](caf::error& e) mutable {
            rp.deliver(error("store_failed", "could not record the proposal: " + why(self, e)));
          });
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

// One trial of an approval: a single trial, or one arm of a comparison.
struct arm_spec {
  std::string label;
  trial_mode mode = trial_mode::rules;
  std::string model;   ///< overrides the plan's model ("" = keep)
  std::string origin;  ///< chat | compare:<arm>
};

msg::trial_plan arm_plan(msg::trial_plan plan, const arm_spec& a) {
  if (!a.model.empty()) {
    plan.model = a.model;
    if (!msg::is_pinned(plan, "model")) plan.pinned.push_back("model");
  }
  return plan;
}

void start_one(agent_self* self, std::int64_t trial_id, msg::trial_plan plan) {
  msg::start_trial start{trial_id, plan, caf::actor_cast<caf::actor>(self), self->state.observer};
  self->request(self->state.cfg.engine, std::chrono::seconds(30), start)
      .then([](std::int32_t) {},
            [=](caf::error& e) {
              self->state.active_trials.erase(trial_id);
              const auto text = why(self, e);
              tell(self->state.cfg.store, msg::set_trial_status{trial_id, "failed", text});
              if (self->state.observer)
                tell(self->state.observer,
                           msg::trial_failed{trial_id, "failed", msg::error_code_word(e, "busy"),
                                             "cannot start trial " + std::to_string(trial_id) + ": " + text});
            });
}

// Records every arm as a trial, then answers and starts them in order.
void start_arms(agent_self* self, turn_promise rp, std::int64_t pid, msg::trial_plan plan,
                std::vector<arm_spec> arms_in, std::string kind,
                std::shared_ptr<std::vector<std::int64_t>> ids = nullptr, bool pid_fresh = true) {
  auto arms = std::make_shared<std::vector<arm_spec>>(std::move(arms_in));
  if (!ids) ids = std::make_shared<std::vector<std::int64_t>>();
  if (ids->size() < arms->size()) {
    const auto& a = (*arms)[ids->size()];
    auto create = [=](std::int64_t proposal_id) mutable {
      self->request(self->state.cfg.store, std::chrono::seconds(30),
                    msg::create_trial{proposal_id, arm_plan(plan, (*arms)[ids->size()]), (*arms)[ids->size()].origin})
          .then(
              [=](std::int64_t trial_id) mutable {
                ids->push_back(trial_id);
                start_arms(self, rp, pid, plan, *arms, kind, ids, pid_fresh);
              },
              [=](caf::error& e) mutable {
                rp.deliver(error("store_failed", "could not record the approval: " + why(self, e)));
              });
    };
    // A proposal is approved once; every further arm of a comparison is
    // recorded as its own proposal (a copy of the plan, naming the arm).
    if (ids->empty() && pid_fresh) {
      create(pid);
    } else {
      const auto p = arm_plan(plan, a);
      self->request(self->state.cfg.store, std::chrono::seconds(30),
                    msg::save_proposal{p, "Arm '" + a.label + "' of a comparison of " + kind + " on proposal " +
                                              std::to_string(pid) + ":\n" + brain::describe_plan(p)})
          .then([=](std::int64_t arm_pid) mutable { create(arm_pid); },
                [=](caf::error& e) mutable {
                  rp.deliver(error("store_failed", "could not record the comparison: " + why(self, e)));
                });
    }
    return;
  }
  auto& st = self->state;
  st.last_approved = std::make_pair(pid, plan);
  std::string text = "Approved proposal " + std::to_string(pid) + ". ";
  if (kind.empty()) {
    text += "Trial " + std::to_string(ids->front()) + " is starting";
    if ((*arms)[0].mode == trial_mode::llm) text += " with " + brain_label(st, st.active) + " deciding";
    text += ". I will answer the engine's questions as it trains; you can watch here.";
  } else {
    comparison c;
    c.kind = kind;
    text += kind == "brains" ? "Comparing brains on the same plan:" : "Comparing models on the same plan:";
    for (std::size_t i = 0; i < arms->size(); ++i) {
      comparison_arm arm;
      arm.label = (*arms)[i].label;
      arm.trial_id = (*ids)[i];
      c.arms.push_back(arm);
      st.compared_in[(*ids)[i]] = ids->front();
      text += "\n  trial " + std::to_string((*ids)[i]) + ": " + arm.label;
    }
    st.comparisons[ids->front()] = std::move(c);
    text += "\nI will put the out-of-sample results side by side when all have finished.";
  }
  auto authors = st.proposal_llms.find(pid);
  for (std::size_t i = 0; i < arms->size(); ++i) {
    st.modes[(*ids)[i]] = (*arms)[i].mode;
    st.active_trials.insert((*ids)[i]);
    if (authors != st.proposal_llms.end()) st.trial_llms[(*ids)[i]] = authors->second;
  }
  // Answer first, so the person reads the approval before the engine's
  // first event about the trial.
  rp.deliver(reply(text, ids->front()));
  for (std::size_t i = 0; i < arms->size(); ++i) start_one(self, (*ids)[i], arm_plan(plan, (*arms)[i]));
}

// Tells the person something nobody asked for right now (a fallback note, a
// finished comparison).
void say(agent_self* self, std::string text, std::int64_t trial_id = 0) {
  if (self->state.observer) tell(self->state.observer, reply(std::move(text), trial_id));
}

// "resume trial 12": an interrupted or failed trial continues under the same
// id from its last checkpoint (its recorded decisions are re-applied, not
// asked again; its fits are redone), with the brain now in use for the
// questions after the record; its transcript continues after the last line.
void resume(agent_self* self, turn_promise rp, std::int64_t trial_id) {
  if (trial_id <= 0) {
    rp.deliver(error("missing_trial", "which trial should I resume? For example: \"resume trial 12\""));
    return;
  }
  self->request(self->state.cfg.store, std::chrono::seconds(30), msg::reopen_trial{trial_id})
      .then(
          [=](msg::reopened_trial& r) mutable {
            auto& st = self->state;
            st.modes[trial_id] = current_mode(st);
            st.active_trials.insert(trial_id);
            msg::resume_trial go{trial_id, r.plan, caf::actor_cast<caf::actor>(self), st.observer, r.last_seq,
                                 r.checkpoint};
            const auto& c = r.checkpoint;
            const std::string from =
                c.answers.empty() ? std::string(" from the start of its plan (no decision had been made)")
                                  : " from its checkpoint after decision " + std::to_string(c.decisions) + " (" +
                                        std::to_string(c.configurations) + " configurations fitted so far)";
            self->request(st.cfg.engine, std::chrono::seconds(30), go)
                .then(
                    [=](std::int32_t) mutable {
                      rp.deliver(reply("Resuming trial " + std::to_string(trial_id) + " (" + r.plan.symbol + " with " +
                                           r.plan.model + ", " + r.previous_status + " before)" + from +
                                           "; its transcript continues.",
                                       trial_id));
                    },
                    [=](caf::error& e) mutable {
                      self->state.active_trials.erase(trial_id);
                      self->state.modes.erase(trial_id);
                      tell(self->state.cfg.store, msg::set_trial_status{trial_id, r.previous_status,
                                                                              "could not resume: " +
                                                                                  why(self, e)});
                      rp.deliver(error("cannot_resume", "trial " + std::to_string(trial_id) +
                                                            " could not restart: " + why(self, e)));
                    });
          },
          [=](caf::error& e) mutable { rp.deliver(error("cannot_resume", why(self, e))); });
}

void approve(agent_self* self, turn_promise rp, std::int64_t proposal_id) {
  auto& st = self->state;
  if (!st.proposal) {
    if (proposal_id > 0 && st.superseded.count(proposal_id))
      rp.deliver(error("stale_proposal", "proposal " + std::to_string(proposal_id) + " was already approved or replaced"));
    else if (proposal_id > 0)
      rp.deliver(error("unknown_proposal", "there is no proposal " + std::to_string(proposal_id) +
                                               " in this conversation; ask for a trial first"));
    else
      rp.deliver(error("no_proposal", "there is nothing to approve yet; ask for a trial first, e.g. \"Run trial on TSLA\""));
    return;
  }
  if (proposal_id > 0 && proposal_id != st.proposal->first) {
    if (st.superseded.count(proposal_id))
      rp.deliver(error("stale_proposal", "proposal " + std::to_string(proposal_id) + " was replaced by proposal " +
                                             std::to_string(st.proposal->first) + "; approve that one"));
    else
      rp.deliver(error("unknown_proposal", "there is no proposal " + std::to_string(proposal_id) +
                                               " in this conversation (the open one is " +
                                               std::to_string(st.proposal->first) + ")"));
    return;
  }
  auto [pid, plan] = *st.proposal;
  st.superseded.insert(pid);
  st.proposal.reset();
  std::vector<arm_spec> arms;
  auto batch = st.batch_models.find(pid);
  if (batch != st.batch_models.end()) {
    for (const auto& m : batch->second) arms.push_back({m, current_mode(st), m, "compare:" + m});
    st.batch_models.erase(batch);
    start_arms(self, rp, pid, plan, std::move(arms), "models");
  } else {
    // A scheduled proposal keeps its schedule as the trial's origin.
    auto sched = st.scheduled_proposals.find(pid);
    arms.push_back({"", current_mode(st), "", sched == st.scheduled_proposals.end() ? "chat" : sched->second});
    start_arms(self, rp, pid, plan, std::move(arms), "");
  }
}

void on_chat(agent_self* self, turn_promise rp, const std::string& text) {
  auto& st = self->state;
  auto exists = [self](const std::string& s) { return symbol_exists(self->state, s); };
  // Commands with one meaning ("yes", "list trials", "use rules") are read by
  // the rules parser; an LLM brain reads what needs understanding: a new
  // request, an edit in free words, or anything the rules did not get.
  brain::intent in = brain::parse_intent(text, st.proposal.has_value(), exists);
  const bool free_form =
      in.kind == brain::intent::run_trial || in.kind == brain::intent::edit || in.kind == brain::intent::unknown;
  // The LLM that read this line, if one did: it shaped the plan the line makes.
  std::vector<brain::llm_role> authors;
  if (free_form && st.active != "rules" && st.llm) {
    std::string said, note;
    in = st.llm->understand(text, st.proposal.has_value(), exists, said, note);
    if (!note.empty()) say(self, "(" + note + ")");
    else brain::add_role(authors, st.llm->proposal_role());
    if (in.kind == brain::intent::unknown && !said.empty()) {
      rp.deliver(reply(said));
      return;
    }
  }
  switch (in.kind) {
    case brain::intent::use_brain: {
      if (in.brain_name == "rules") {
        st.active = "rules";  // the LLM stays for trials that started with it
        rp.deliver(reply("Using the rules brain from now on: offline and deterministic, with the thresholds the "
                         "README lists. Trials already running keep the brain they started with."));
        return;
      }
      std::string why;
      auto b = make_llm(self, in.brain_name, why);
      if (!b) {
        rp.deliver(error("brain_unavailable", "I can't use " + brain_label(st, in.brain_name) + ": " + why +
                                                  ". I stay with the " + brain_label(st, st.active) + " brain."));
        return;
      }
      st.llm = std::move(b);
      st.active = in.brain_name;
      st.active_llm_kind = in.brain_name;
      rp.deliver(reply("Using " + brain_label(st, st.active) +
                       " from now on. I check every answer it gives: an invalid or late one is replaced by the rules "
                       "brain's, and the transcript says so. Trials already running keep the brain they started with."));
      return;
    }
    case brain::intent::compare_brains: {
      std::int64_t pid = 0;
      msg::trial_plan plan;
      bool fresh = true;
      if (st.proposal) {
        std::tie(pid, plan) = *st.proposal;
        st.superseded.insert(pid);
        st.proposal.reset();
      } else if (st.last_approved) {
        std::tie(pid, plan) = *st.last_approved;
        fresh = false;
      } else {
        rp.deliver(error("no_plan", "there is no plan to compare brains on yet; ask for a trial first, e.g. "
                                    "\"Run trial on TSLA\", then say \"compare brains\""));
        return;
      }
      std::vector<arm_spec> arms;
      std::string missing;
      if (!st.llm) {
        const std::string kind = st.cfg.brains.kind != "rules" ? st.cfg.brains.kind : "anthropic";
        st.llm = make_llm(self, kind, missing);
        if (st.llm) st.active_llm_kind = kind;
      }
      if (st.llm) arms.push_back({brain_label(st, st.active_llm_kind), trial_mode::llm, "", "compare:llm"});
      arms.push_back({"rules", trial_mode::rules, "", "compare:rules"});
      arms.push_back({"no intervention", trial_mode::baseline, "", "compare:baseline"});
      if (!st.llm) say(self, "No LLM brain is available (" + missing + "), so I compare the rules brain with the "
                              "no-intervention baseline only.");
      start_arms(self, rp, pid, plan, std::move(arms), "brains", nullptr, fresh);
      return;
    }
    case brain::intent::compare_models: {
      msg::trial_plan plan = st.proposal ? st.proposal->second : st.cfg.defaults;
      if (st.proposal)
        if (auto a = st.proposal_llms.find(st.proposal->first); a != st.proposal_llms.end())
          for (const auto& r : a->second) brain::add_role(authors, r);
      if (!in.changes.symbol && plan.symbol.empty()) {
        rp.deliver(error("missing_symbol", "which symbol should I compare models on? For example: "
                                           "\"compare models on AAPL\"."));
        return;
      }
      brain::plan_edit e = in.changes;
      e.model.reset();
      std::string problem = brain::apply_edit(plan, e, data_end_for(st, plan, e));
      if (!problem.empty()) {
        rp.deliver(error("bad_plan", "I can't plan that: " + problem));
        return;
      }
      std::vector<std::string> models = in.models;
      if (models.size() < 2) models = {"xgboost", "lstm", "transformer", "logistic"};
      const auto names = ml::model_names();
      for (const auto& m : models) {
        if (std::find(names.begin(), names.end(), m) == names.end()) {
          rp.deliver(error("unknown_model", "'" + m + "' is not a model I have"));
          return;
        }
      }
      propose(self, rp, plan, "Here is the plan for the comparison:\n", models, authors);
      return;
    }
    case brain::intent::resume:
      resume(self, rp, in.trial_id);
      return;
    case brain::intent::help:
      rp.deliver(reply(help_text()));
      return;
    case brain::intent::data_info:
      rp.deliver(reply(ml::describe_available_data(st.cfg.data_dir, st.cfg.polygon_key)));
      return;
    case brain::intent::approve:
      approve(self, rp, 0);
      return;
    case brain::intent::reject:
      if (st.proposal) {
        if (st.scheduled_proposals.count(st.proposal->first))
          self->request(st.cfg.store, std::chrono::seconds(30), msg::dismiss_proposal{st.proposal->first})
              .then([](bool) {}, [](caf::error&) {});
        st.superseded.insert(st.proposal->first);
        st.proposal.reset();
        rp.deliver(reply("Dropped the proposal. Ask for another trial when you like."));
      } else {
        rp.deliver(reply("Nothing is open. Ask for a trial, e.g. \"Run trial on TSLA\"."));
      }
      return;
    case brain::intent::run_trial: {
      if (!in.changes.symbol) {
        if (!in.unknown_symbol.empty())
          rp.deliver(error("unknown_symbol", ml::unknown_symbol_text(in.unknown_symbol, st.cfg.data_dir) +
                                                          " Ask \"what data do you have?\" for the symbols I can load."));
        else
          rp.deliver(error("missing_symbol", "which symbol should I trade? For example: \"Run trial on TSLA\"."));
        return;
      }
      msg::trial_plan plan = st.cfg.defaults;
      std::string problem = brain::apply_edit(plan, in.changes, data_end_for(st, plan, in.changes));
      if (!problem.empty()) {
        rp.deliver(error("bad_plan", "I can't plan that: " + problem));
        return;
      }
      propose(self, rp, plan, "Here is my plan:\n", {}, authors);
      return;
    }
    case brain::intent::edit: {
      if (!st.proposal) {
        rp.deliver(reply("There is no open proposal to change. Ask for a trial first, e.g. \"Run trial on TSLA\"."));
        return;
      }
      msg::trial_plan plan = st.proposal->second;
      std::string problem = brain::apply_edit(plan, in.changes, data_end_for(st, plan, in.changes));
      if (!problem.empty()) {
        rp.deliver(error("bad_plan", "I kept the plan as it was: " + problem));
        return;
      }
      // An edit keeps the LLMs that shaped the proposal before it.
      if (auto a = st.proposal_llms.find(st.proposal->first); a != st.proposal_llms.end())
        for (const auto& r : a->second) brain::add_role(authors, r);
      std::vector<std::string> batch;
      auto b = st.batch_models.find(st.proposal->first);
      if (b != st.batch_models.end()) {
        batch = b->second;
        st.batch_models.erase(b);
      }
      propose(self, rp, plan, "Updated plan:\n", batch, authors);
      return;
    }
    case brain::intent::cancel: {
      std::int64_t id = in.trial_id;
      if (id == 0 && !st.active_trials.empty()) id = *st.active_trials.rbegin();
      if (id == 0) {
        if (st.proposal) {
          st.superseded.insert(st.proposal->first);
          st.proposal.reset();
          rp.deliver(reply("Dropped the open proposal; no trial is running."));
        } else {
          rp.deliver(error("nothing_to_cancel", "no trial of yours is running; say \"cancel trial N\" for another one"));
        }
        return;
      }
      self->request(st.cfg.engine, std::chrono::seconds(30), msg::cancel_trial{id, "cancelled by the person"})
          .then(
              [=](bool ok) mutable {
                rp.deliver(ok ? reply("Cancelling trial " + std::to_string(id) + ".", id)
                              : error("not_running", "trial " + std::to_string(id) + " is not queued or running"));
              },
              [=](caf::error& e) mutable { rp.deliver(error("cancel_failed", why(self, e))); });
      return;
    }
    case brain::intent::list:
    case brain::intent::status:
      self->request(st.cfg.store, std::chrono::seconds(30), msg::list_trials_query{in.kind == brain::intent::list ? 20 : 50})
          .then(
              [=](msg::trial_list& l) mutable {
                std::string out;
                int shown = 0;
                for (const auto& r : l.trials) {
                  if (in.kind == brain::intent::status && r.status != "running" && r.status != "queued") continue;
                  ++shown;
                  out += "\n  #" + std::to_string(r.trial_id) + "  " + r.status + "  " + r.symbol + "  " + r.model +
                         "  " + r.created_at + (r.origin == "chat" ? "" : "  (" + r.origin + ")");
                  if (r.has_report) {
                    char b[160];
                    std::snprintf(b, sizeof b, "  test accuracy %.1f%% (n=%lld), return %s vs buy-and-hold %s",
                                  100 * r.test_accuracy, static_cast<long long>(r.test_n),
                                  text::spct(r.total_return).c_str(), text::spct(r.buy_hold_return).c_str());
                    out += b;
                  }
                }
                if (in.kind == brain::intent::status) {
                  rp.deliver(reply(shown ? "Running or queued:" + out : "No trial is running or queued."));
                  return;
                }
                std::string text = shown ? "Recent trials:" + out : "No trials yet. Ask me: \"Run trial on TSLA\".";
                // What the schedules did (answers "what ran overnight?").
                self->request(self->state.cfg.store, std::chrono::seconds(30), msg::schedule_states_query{50})
                    .then(
                        [=](msg::schedule_state_list& sl) mutable {
                          std::string sched;
                          for (const auto& x : sl.states) {
                            if (x.last_fire_utc == 0) continue;
                            sched += "\n  " + x.name + ": last fired " + utc_text(x.last_fire_utc);
                            if (x.last_trial_id > 0) sched += " -> trial #" + std::to_string(x.last_trial_id);
                            if (!x.last_result.empty()) sched += " (" + x.last_result + ")";
                          }
                          rp.deliver(reply(sched.empty() ? text : text + "\nSchedules:" + sched));
                        },
                        [=](caf::error&) mutable { rp.deliver(reply(text)); });
              },
              [=](caf::error& e) mutable { rp.deliver(error("store_failed", why(self, e))); });
      return;
    case brain::intent::show:
      self->request(st.cfg.store, std::chrono::seconds(30), msg::get_trial_query{in.trial_id})
          .then(
              [=](msg::trial_record& rec) mutable {
                if (!rec.found) {
                  rp.deliver(error("unknown_trial", "there is no trial " + std::to_string(in.trial_id)));
                  return;
                }
                std::string out = "Trial " + std::to_string(rec.row.trial_id) + ": " + rec.row.symbol + " with " +
                                  rec.row.model + ", " + rec.row.status + ", created " + rec.row.created_at + ".";
                if (!rec.row.error.empty()) out += " " + rec.row.error;
                for (const auto& e : rec.transcript) out += "\n  [" + e.speaker + "] " + e.text;
                rp.deliver(reply(out, rec.row.trial_id));
              },
              [=](caf::error& e) mutable { rp.deliver(error("store_failed", why(self, e))); });
      return;
    case brain::intent::paper: {
      auto go = [=](std::string symbol) mutable {
        msg::portfolio_request req{symbol, in.trial_id, self->state.observer, in.pace_ms};
        self->request(self->state.cfg.paper, std::chrono::minutes(30), req)
            .then([=](std::string& text) mutable { rp.deliver(reply(text, in.trial_id)); },
                  [=](caf::error& e) mutable {
                    rp.deliver(error("paper_failed", why(self, e)));
                  });
      };
      if (in.changes.symbol) {
        go(*in.changes.symbol);
      } else if (in.trial_id > 0) {
        self->request(st.cfg.store, std::chrono::seconds(30), msg::get_trial_query{in.trial_id})
            .then(
                [=](msg::trial_record& rec) mutable {
                  if (!rec.found) rp.deliver(error("unknown_trial", "there is no trial " + std::to_string(in.trial_id)));
                  else go(rec.row.symbol);
                },
                [=](caf::error& e) mutable { rp.deliver(error("store_failed", why(self, e))); });
      } else {
        rp.deliver(error("missing_symbol", "which paper portfolio? For example: \"update my AAPL paper portfolio\""));
      }
      return;
    }
    case brain::intent::unknown:
    default:
      if (in.too_long) {
        rp.deliver(error("message_too_long", in.problems.front() + "; please say it in fewer words"));
        return;
      }
      rp.deliver(reply("I did not understand that. " + help_text()));
      return;
  }
}

void maybe_quit(agent_self* self) {
  if (self->state.observer_gone && self->state.active_trials.empty()) self->quit();
}

// The brain that answers trial `id`'s question; `baseline` always continues.
template <class Question>
msg::decision decide(agent_self* self, const Question& q,
                     msg::decision (brain::brain::*ask)(const Question&)) {
  auto& st = self->state;
  auto it = st.modes.find(q.trial_id);
  const auto mode = it == st.modes.end() ? trial_mode::rules : it->second;
  msg::decision d;
  if (mode == trial_mode::baseline) {
    d.action = msg::action::continue_trial;
    d.reason = "no-intervention baseline: the plan runs as approved";
    d.brain = "baseline";
  } else if (mode == trial_mode::llm && st.llm) {
    d = ((*st.llm).*ask)(q);
  } else {
    d = ((*st.rules).*ask)(q);
    if (mode == trial_mode::llm) d.note = "the LLM brain was switched off during the trial; rules decided";
  }
  // An arm of a model comparison keeps its model.
  auto cmp = st.compared_in.find(q.trial_id);
  if (d.action == msg::action::switch_model && cmp != st.compared_in.end() &&
      st.comparisons[cmp->second].kind == "models") {
    d.action = msg::action::continue_trial;
    d.params.clear();
    d.model.clear();
    d.note += (d.note.empty() ? "" : "; ") + std::string("the model is fixed for this comparison, so I continue");
  }
  return d;
}

// Stores a comparison arm's outcome; answers the person when all are in.
void arm_done(agent_self* self, std::int64_t trial_id, const msg::trial_summary* s, const msg::final_report* r,
              const std::string& failure, const std::string& remembers = "", const std::string& plan_remembers = "") {
  auto& st = self->state;
  auto in = st.compared_in.find(trial_id);
  if (in == st.compared_in.end()) return;
  auto c = st.comparisons.find(in->second);
  st.compared_in.erase(in);
  if (c == st.comparisons.end()) return;
  for (auto& a : c->second.arms) {
    if (a.trial_id != trial_id) continue;
    a.done = true;
    a.failed = s == nullptr;
    a.failure = failure;
    if (s) a.summary = *s;
    if (r) a.report = *r;
    a.remembers = remembers;
    a.plan_remembers = plan_remembers;
  }
  if (c->second.complete()) {
    say(self, comparison_text(c->second), c->first);
    st.comparisons.erase(c);
  }
}

void trial_finished(agent_self* self, std::int64_t trial_id) {
  self->state.active_trials.erase(trial_id);
  self->state.modes.erase(trial_id);
  maybe_quit(self);
}

// A schedule with approved: false left a proposal for the next person who
// connects: offer the newest one as this conversation's open proposal.
void offer_pending(agent_self* self) {
  self->request(self->state.cfg.store, std::chrono::seconds(30), msg::pending_proposals_query{20})
      .then(
          [=](msg::pending_proposal_list& l) {
            auto& st = self->state;
            if (l.proposals.empty() || st.proposal) return;
            const auto& p = l.proposals.back();
            st.proposal = std::make_pair(p.proposal_id, p.plan);
            st.scheduled_proposals[p.proposal_id] = p.origin;
            msg::agent_turn t;
            t.kind = msg::agent_turn::proposal;
            t.proposal_id = p.proposal_id;
            t.plan = p.plan;
            t.text = "While nobody was here, " + p.origin + " proposed this (" + p.created_at + "):\n" + p.text;
            if (l.proposals.size() > 1)
              t.text += "\n(" + std::to_string(l.proposals.size() - 1) +
                        " older scheduled proposal(s) also wait; they are offered after this one.)";
            if (st.observer) tell(st.observer, t);
          },
          [](caf::error&) {});
}

agent_actor::behavior_type agent_behavior(agent_self* self, agent_config cfg, caf::actor observer) {
  harden(self);
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.rules = brain::make_rules_brain();
  st.observer = observer;
  if (st.cfg.brain != "rules") {
    std::string why;
    st.llm = make_llm(self, st.cfg.brain, why);
    if (st.llm) st.active = st.active_llm_kind = st.cfg.brain;
    else say(self, "The configured " + brain_label(st, st.cfg.brain) + " brain is unavailable: " + why +
                        ". I use the rules brain.");
  }
  if (observer) {
    offer_pending(self);
    self->monitor(observer);
    self->set_down_handler([=](caf::down_msg&) {
      self->state.observer_gone = true;
      self->state.observer = nullptr;
      maybe_quit(self);
    });
  }
  return {
      [=](msg::user_chat& m) {
        auto rp = self->make_response_promise<msg::agent_turn>();
        on_chat(self, rp, m.text);
        return rp;
      },
      [=](msg::user_approve& m) {
        auto rp = self->make_response_promise<msg::agent_turn>();
        approve(self, rp, m.proposal_id);
        return rp;
      },
      [=](msg::volatility_report& q) { return decide(self, q, &brain::brain::on_volatility); },
      [=](msg::progress_report& q) { return decide(self, q, &brain::brain::on_progress); },
      [=](msg::initial_results& q) { return decide(self, q, &brain::brain::on_initial_results); },
      [=](msg::trial_failed& f) {
        arm_done(self, f.trial_id, nullptr, nullptr, f.status + ": " + f.message);
        trial_finished(self, f.trial_id);
      },
      [=](msg::trial_summary& s) {
        auto& st = self->state;
        auto it = st.modes.find(s.trial_id);
        const bool llm = it != st.modes.end() && it->second == trial_mode::llm && st.llm;
        auto rep = llm ? st.llm->on_result(s) : st.rules->on_result(s);
        // Every LLM that decided anything here, whoever wrote the report.
        std::vector<brain::llm_role> plan_roles, roles;
        if (auto a = st.trial_llms.find(s.trial_id); a != st.trial_llms.end()) plan_roles = a->second;
        roles = plan_roles;
        std::vector<brain::llm_role> own;
        if (llm) brain::add_role(own, st.llm->role_in(s.trial_id));
        for (const auto& o : own) brain::add_role(roles, o);
        brain::append_cutoff_caveats(rep, roles, s);
        arm_done(self, s.trial_id, &s, &rep, "", brain::cutoff_notes(own, s), brain::cutoff_notes(plan_roles, s));
        trial_finished(self, s.trial_id);
        return rep;
      },
  };
}

}  // namespace

agent_actor spawn_agent(caf::actor_system& sys, agent_config cfg, caf::actor observer, thread_mode mode) {
  return spawn_in(sys, mode, agent_behavior, std::move(cfg), std::move(observer));
}

}  // namespace mlt::actors
