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
#include "ml/market/bar.hpp"
#include "ml/market/data_source.hpp"
#include "ml/market/data_catalog.hpp"
#include "ml/market/synthetic.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"

namespace mlt::actors::agent {

namespace {

void use_brain(agent_self* self, turn_promise rp, const brain::intent& in) {
  auto& st = self->state;
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
}

void compare_brains(agent_self* self, turn_promise rp) {
  auto& st = self->state;
  msg::proposal_id pid;
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
}

// The symbols a request names that can run, the plan standing on the first;
// false when none can (the person has the reason).
bool universe_of(agent_state& st, turn_promise& rp, const brain::intent& in, msg::trial_plan& plan,
                 universe_choice& u) {
  msg::agent_turn refusal;
  if (!choose_universe(st, plan, *in.changes.symbols, in.changes.universe.value_or(""), in.unknown_symbols, u,
                       refusal)) {
    rp.deliver(refusal);
    return false;
  }
  plan.symbol = u.symbols.front();
  return true;
}

void compare_models(agent_self* self, turn_promise rp, const brain::intent& in, std::vector<brain::llm_role> authors) {
  auto& st = self->state;
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
  // "compare models on AAPL, NVDA" / "on the Dow 30": models × symbols.
  universe_choice u;
  if (in.changes.symbols) {
    if (!universe_of(st, rp, in, plan, u)) return;
  } else if (st.proposal && !in.changes.symbol) {
    // "Run trial on AAPL and NVDA", then "compare models": on those symbols.
    if (auto fan = st.batch_symbols.find(st.proposal->first); fan != st.batch_symbols.end()) u = fan->second;
  }
  propose(self, rp, plan, "Here is the plan for the comparison:\n", models, authors, u);
}

void reject_proposal(agent_self* self, turn_promise rp) {
  auto& st = self->state;
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
}

void run_trial(agent_self* self, turn_promise rp, const brain::intent& in, std::vector<brain::llm_role> authors) {
  auto& st = self->state;
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
  // "Run trial on AAPL, MSFT and NVDA": the plan once per symbol.
  universe_choice u;
  if (in.changes.symbols && !universe_of(st, rp, in, plan, u)) return;
  propose(self, rp, plan, "Here is my plan:\n", {}, authors, u);
}

void edit_proposal(agent_self* self, turn_promise rp, const brain::intent& in, std::vector<brain::llm_role> authors) {
  auto& st = self->state;
  if (!st.proposal) {
    rp.deliver(reply("There is no open proposal to change. Ask for a trial first, e.g. \"Run trial on TSLA\"."));
    return;
  }
  msg::trial_plan plan = st.proposal->second;
  brain::plan_edit e = in.changes;
  // A universe's symbols: "drop MSFT", "add TSLA", a new list, or one symbol.
  universe_choice u;
  const auto fan = st.batch_symbols.find(st.proposal->first);
  const bool symbols_edited = e.symbols || !e.drop_symbols.empty() || !e.add_symbols.empty();
  if (fan != st.batch_symbols.end() || symbols_edited) {
    u = fan != st.batch_symbols.end() ? fan->second : universe_choice{{plan.symbol}, "", {}};
    u.missing.clear();
    std::string problem = edit_universe(u, e);
    if (!problem.empty()) {
      rp.deliver(error("bad_plan", "I kept the plan as it was: " + problem));
      return;
    }
    e.symbol = u.symbols.front();
  }
  std::string problem = brain::apply_edit(plan, e, data_end_for(st, plan, e));
  if (!problem.empty()) {
    rp.deliver(error("bad_plan", "I kept the plan as it was: " + problem));
    return;
  }
  if (u.symbols.size() >= 2) {
    const auto wanted = u.symbols;
    msg::agent_turn refusal;
    if (!choose_universe(st, plan, wanted, u.universe, {}, u, refusal)) {
      rp.deliver(refusal);
      return;
    }
    plan.symbol = u.symbols.front();
  }
  if (fan != st.batch_symbols.end()) st.batch_symbols.erase(fan);
  // An edit keeps the LLMs that shaped the proposal before it.
  if (auto a = st.proposal_llms.find(st.proposal->first); a != st.proposal_llms.end())
    for (const auto& r : a->second) brain::add_role(authors, r);
  std::vector<std::string> batch;
  auto b = st.batch_models.find(st.proposal->first);
  if (b != st.batch_models.end()) {
    batch = b->second;
    st.batch_models.erase(b);
  }
  propose(self, rp, plan, "Updated plan:\n", batch, authors, u);
}

void cancel_trial(agent_self* self, turn_promise rp, const brain::intent& in) {
  auto& st = self->state;
  // "cancel" during a universe means all of it; "cancel AAPL" that symbol's arms.
  if (in.trial_id == 0 &&
      cancel_universe(self, rp, in.changes.symbol ? *in.changes.symbol : in.unknown_symbol))
    return;
  msg::trial_id id{in.trial_id};
  if (!id.known() && !st.active_trials.empty()) id = *st.active_trials.rbegin();
  if (!id.known()) {
    if (st.proposal) {
      st.superseded.insert(st.proposal->first);
      st.proposal.reset();
      rp.deliver(reply("Dropped the open proposal; no trial is running."));
    } else {
      rp.deliver(error("nothing_to_cancel", "no trial of yours is running; say \"cancel trial N\" for another one"));
    }
    return;
  }
  if (cancel_waiting(self, id)) {
    rp.deliver(reply("Cancelled trial " + msg::to_string(id) + " before it started.", id));
    return;
  }
  self->request(st.cfg.engine, std::chrono::seconds(30), msg::cancel_trial{id, "cancelled by the person"})
      .then(
          [=](bool ok) mutable {
            rp.deliver(ok ? reply("Cancelling trial " + msg::to_string(id) + ".", id)
                          : error("not_running", "trial " + msg::to_string(id) + " is not queued or running"));
          },
          [=](caf::error& e) mutable { rp.deliver(error("cancel_failed", msg::error_sentence(e))); });
}

void list_trials(agent_self* self, turn_promise rp, const brain::intent& in) {
  auto& st = self->state;
  self->request(st.cfg.store, std::chrono::seconds(30), msg::list_trials_query{in.kind == brain::intent::list ? 20 : 50})
      .then(
          [=](msg::trial_list& l) mutable {
            std::string out;
            int shown = 0;
            for (const auto& r : l.trials) {
              if (in.kind == brain::intent::status && r.status != msg::trial_status::running &&
                  r.status != msg::trial_status::queued)
                continue;
              ++shown;
              out += "\n  #" + msg::to_string(r.trial_id) + "  " + msg::to_string(r.status) + "  " + r.symbol + "  " +
                     r.model + "  " + r.created_at + (r.origin == "chat" ? "" : "  (" + r.origin + ")");
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
                        if (x.last_trial_id.known()) sched += " -> trial #" + msg::to_string(x.last_trial_id);
                        if (!x.last_result.empty()) sched += " (" + x.last_result + ")";
                      }
                      rp.deliver(reply(sched.empty() ? text : text + "\nSchedules:" + sched));
                    },
                    [=](caf::error&) mutable { rp.deliver(reply(text)); });
          },
          [=](caf::error& e) mutable { rp.deliver(error("store_failed", msg::error_sentence(e))); });
}

void show_trial(agent_self* self, turn_promise rp, const brain::intent& in) {
  auto& st = self->state;
  self->request(st.cfg.store, std::chrono::seconds(30), msg::get_trial_query{msg::trial_id{in.trial_id}})
      .then(
          [=](msg::trial_record& rec) mutable {
            if (!rec.found) {
              rp.deliver(error("unknown_trial", "there is no trial " + std::to_string(in.trial_id)));
              return;
            }
            std::string out = "Trial " + msg::to_string(rec.row.trial_id) + ": " + rec.row.symbol + " with " +
                              rec.row.model + ", " + msg::to_string(rec.row.status) + ", created " +
                              rec.row.created_at + ".";
            if (!rec.row.error.empty()) out += " " + rec.row.error;
            for (const auto& e : rec.transcript)
              out += "\n  [" + std::string(msg::to_string(e.speaker)) + "] " + e.text;
            rp.deliver(reply(out, rec.row.trial_id));
          },
          [=](caf::error& e) mutable { rp.deliver(error("store_failed", msg::error_sentence(e))); });
}

void paper_trade(agent_self* self, turn_promise rp, const brain::intent& in) {
  auto& st = self->state;
  auto go = [=](std::string symbol) mutable {
    msg::portfolio_request req{symbol, msg::trial_id{in.trial_id}, self->state.observer, in.pace_ms};
    self->request(self->state.cfg.paper, std::chrono::minutes(30), req)
        .then([=](std::string& text) mutable { rp.deliver(reply(text, req.trial_id)); },
              [=](caf::error& e) mutable {
                rp.deliver(error("paper_failed", msg::error_sentence(e)));
              });
  };
  if (in.changes.symbol) {
    go(*in.changes.symbol);
  } else if (in.trial_id > 0) {
    self->request(st.cfg.store, std::chrono::seconds(30), msg::get_trial_query{msg::trial_id{in.trial_id}})
        .then(
            [=](msg::trial_record& rec) mutable {
              if (!rec.found) rp.deliver(error("unknown_trial", "there is no trial " + std::to_string(in.trial_id)));
              else go(rec.row.symbol);
            },
            [=](caf::error& e) mutable { rp.deliver(error("store_failed", msg::error_sentence(e))); });
  } else {
    rp.deliver(error("missing_symbol", "which paper portfolio? For example: \"update my AAPL paper portfolio\""));
  }
}

void not_understood(turn_promise rp, const brain::intent& in) {
  if (in.too_long) {
    rp.deliver(error("message_too_long", in.problems.front() + "; please say it in fewer words"));
    return;
  }
  rp.deliver(reply("I did not understand that. " + help_text()));
}

}  // namespace

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
    in = st.llm->understand(text, in, st.proposal.has_value(), exists, said, note);
    if (!note.empty()) say(self, "(" + note + ")");
    else brain::add_role(authors, st.llm->proposal_role());
    if (in.kind == brain::intent::unknown && !said.empty()) {
      rp.deliver(reply(said));
      return;
    }
  }
  switch (in.kind) {
    case brain::intent::use_brain:
      use_brain(self, rp, in);
      return;
    case brain::intent::compare_brains:
      compare_brains(self, rp);
      return;
    case brain::intent::compare_models:
      compare_models(self, rp, in, std::move(authors));
      return;
    case brain::intent::resume:
      resume(self, rp, msg::trial_id{in.trial_id});
      return;
    case brain::intent::help:
      rp.deliver(reply(help_text()));
      return;
    case brain::intent::data_info:
      rp.deliver(reply(ml::describe_available_data(st.cfg.data_dir, st.cfg.polygon_key)));
      return;
    case brain::intent::approve:
      approve(self, rp, {});
      return;
    case brain::intent::reject:
      reject_proposal(self, rp);
      return;
    case brain::intent::run_trial:
      run_trial(self, rp, in, std::move(authors));
      return;
    case brain::intent::edit:
      edit_proposal(self, rp, in, std::move(authors));
      return;
    case brain::intent::cancel:
      cancel_trial(self, rp, in);
      return;
    case brain::intent::list:
    case brain::intent::status:
      list_trials(self, rp, in);
      return;
    case brain::intent::show:
      show_trial(self, rp, in);
      return;
    case brain::intent::paper:
      paper_trade(self, rp, in);
      return;
    case brain::intent::unknown:
    default:
      not_understood(rp, in);
      return;
  }
}

}  // namespace mlt::actors::agent
