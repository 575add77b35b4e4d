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

// Saves the plan as a new proposal revision and answers with it.
void propose(agent_self* self, turn_promise rp, msg::trial_plan plan, std::string lead,
             std::vector<std::string> batch, std::vector<brain::llm_role> authors, universe_choice universe) {
  // Which file (or generator) and period the plan will train on, before the
  // person approves it.
  const bool fan_out = universe.symbols.size() >= 2;
  // What could not be loaded is said first, before the plan for the rest.
  const std::string missing = missing_text(universe);
  std::string text = (missing.empty() ? "" : missing + ", so I propose running on the rest.\n") + lead + (fan_out ? universe_plan_text(self->state, plan, universe, batch)
                                     : brain::describe_plan(plan) + "\n  loads:         " +
                                           ml::describe_data_choice(plan.symbol, plan.data_source,
                                                                    self->state.cfg.data_dir,
                                                                    self->state.cfg.polygon_key));
  if (!batch.empty() && fan_out) {
    text += "\nModels compared on every symbol:";
    for (const auto& m : batch) text += " " + m;
    text += ".";
  } else if (!batch.empty()) {
    text += "\nOn approval I run it once per model:";
    for (const auto& m : batch) text += " " + m;
    text += " (the last one is the baseline the others are measured against).";
  }
  text += "\nApprove with \"yes\", or tell me what to change.";
  self->request(self->state.cfg.store, std::chrono::seconds(30), msg::save_proposal{plan, text})
      .then(
          [=](msg::proposal_id id) mutable {
            auto& st = self->state;
            if (st.proposal) st.superseded.insert(st.proposal->first);
            st.proposal = std::make_pair(id, plan);
            if (!batch.empty()) st.batch_models[id] = batch;
            if (fan_out) st.batch_symbols[id] = universe;
            if (!authors.empty()) st.proposal_llms[id] = authors;
            msg::agent_turn t;
            t.kind = msg::agent_turn::proposal;
            t.proposal_id = id;
            t.plan = plan;
            t.text = text;
            if (fan_out) t.symbols = universe.symbols;
            rp.deliver(t);
          },
          [=](caf::error& e) mutable {
            rp.deliver(error("store_failed", "could not record the proposal: " + msg::error_sentence(e)));
          });
}

msg::trial_plan arm_plan(msg::trial_plan plan, const arm_spec& a) {
  if (!a.symbol.empty()) plan.symbol = a.symbol;
  if (!a.model.empty()) {
    plan.model = a.model;
    if (!msg::is_pinned(plan, "model")) plan.pinned.push_back("model");
  }
  return plan;
}

void start_one(agent_self* self, msg::trial_id trial_id, msg::trial_plan plan) {
  msg::start_trial start{trial_id, plan, caf::actor_cast<caf::actor>(self), self->state.observer};
  // An arm of a universe or comparison waits out a full engine queue; a
  // single trial's refusal goes to the person, who may ask again.
  const bool arm = self->state.compared_in.count(trial_id) > 0;
  hand_to_engine(
      self, self->state.cfg.engine, self->state.cfg.store, start,
      [=](std::int32_t) { self->state.busy_refusals.erase(trial_id); },
      [=](const caf::error& e) {
        const bool busy = e == msg::errc::busy;
        if (arm && busy && wait_when_busy(self, trial_id, plan, e)) return;
        std::string text = "cannot start trial " + msg::to_string(trial_id) + ": ";
        if (arm && busy) {
          text += "the engine's queue stayed full for " +
                  std::to_string(busy_wait_minutes) + " minutes (" +
                  msg::error_sentence(e) + ")";
          tell(self, self->state.cfg.store, msg::set_trial_status{trial_id, msg::trial_status::failed, text});
        } else {
          text += msg::error_sentence(e);
        }
        tell(self, self->state.observer, msg::trial_failed{trial_id, msg::trial_status::failed, msg::error_code_word(e, "busy"), text});
        // A comparison or universe arm that never started still ends its row.
        arm_done(self, trial_id, nullptr, nullptr, text);
        trial_finished(self, trial_id);
      },
      arm);
}

namespace {

// Records arm number ids->size() as a trial (and, after the first, as its own
// proposal), then goes on with start_arms.
void record_next_arm(agent_self* self, turn_promise rp, msg::proposal_id pid, msg::trial_plan plan,
                     std::shared_ptr<std::vector<arm_spec>> arms, std::string kind,
                     std::shared_ptr<std::vector<msg::trial_id>> ids, bool pid_fresh, std::vector<std::string> skipped) {
  const auto& a = (*arms)[ids->size()];
  auto create = [=](msg::proposal_id proposal_id) mutable {
    self->request(self->state.cfg.store, std::chrono::seconds(30),
                  msg::create_trial{proposal_id, arm_plan(plan, (*arms)[ids->size()]), (*arms)[ids->size()].origin})
        .then(
            [=](msg::trial_id trial_id) mutable {
              ids->push_back(trial_id);
              start_arms(self, rp, pid, plan, *arms, kind, ids, pid_fresh, skipped);
            },
            [=](caf::error& e) mutable {
              rp.deliver(error("store_failed", "could not record the approval: " + msg::error_sentence(e)));
            });
  };
  // A proposal is approved once; every further arm of a comparison is
  // recorded as its own proposal (a copy of the plan, naming the arm).
  if (ids->empty() && pid_fresh) {
    create(pid);
  } else {
    const auto p = arm_plan(plan, a);
    self->request(self->state.cfg.store, std::chrono::seconds(30),
                  msg::save_proposal{p, "Arm '" + a.label + "' of " +
                                            (kind == "universe" ? "a universe trial" : "a comparison of " + kind) +
                                            (pid.known() ? " on proposal " + msg::to_string(pid) : std::string()) +
                                            ":\n" + brain::describe_plan(p)})
        .then([=](msg::proposal_id arm_pid) mutable { create(arm_pid); },
              [=](caf::error& e) mutable {
                rp.deliver(error("store_failed", "could not record the comparison: " + msg::error_sentence(e)));
              });
  }
}

// Keeps the comparison of the recorded arms (its results are set side by
// side when all have finished); the lines that announce it.
std::string open_comparison(agent_state& st, const std::string& kind, const std::vector<arm_spec>& arms,
                            const std::vector<msg::trial_id>& ids, const std::vector<std::string>& skipped) {
  comparison c;
  c.kind = kind;
  std::string text = kind == "brains"   ? "Comparing brains on the same plan:"
                     : kind == "models" ? "Comparing models on the same plan:"
                                        : msg::universe_started_words +
                                              std::string(std::any_of(arms.begin(), arms.end(),
                                                                      [](const arm_spec& a) { return !a.model.empty(); })
                                                              ? " and model:"
                                                              : ":");
  for (std::size_t i = 0; i < arms.size(); ++i) {
    const auto& spec = arms[i];
    auto once = [](std::vector<std::string>& v, const std::string& x) {
      if (!x.empty() && std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
    };
    once(c.symbols, spec.symbol);
    once(c.models, spec.model);
    c.universe = spec.universe;
    comparison_arm arm;
    arm.label = spec.label;
    arm.symbol = spec.symbol;
    arm.model = spec.model;
    arm.trial_id = ids[i];
    c.arms.push_back(arm);
    st.compared_in[ids[i]] = ids.front();
    text += "\n  trial " + msg::to_string(ids[i]) + ": " + arm.label;
  }
  c.skipped = skipped;
  st.comparisons[ids.front()] = std::move(c);
  text += "\nI will put the out-of-sample results side by side when all have finished.";
  return text;
}

}  // namespace

// Records every arm as a trial, then answers and starts them in order.
void start_arms(agent_self* self, turn_promise rp, msg::proposal_id pid, msg::trial_plan plan,
                std::vector<arm_spec> arms_in, std::string kind, std::shared_ptr<std::vector<msg::trial_id>> ids,
                bool pid_fresh, std::vector<std::string> skipped) {
  auto arms = std::make_shared<std::vector<arm_spec>>(std::move(arms_in));
  if (!ids) ids = std::make_shared<std::vector<msg::trial_id>>();
  if (ids->size() < arms->size()) {
    record_next_arm(self, rp, pid, plan, arms, kind, ids, pid_fresh, skipped);
    return;
  }
  auto& st = self->state;
  st.last_approved = std::make_pair(pid, plan);
  // A schedule's universe (pid 0) was approved in the config file.
  // A chat proposal said what it skips; a schedule's run says it now.
  const std::string missing = pid.known() ? std::string() : missing_text(universe_choice{{}, "", skipped});
  std::string text = (missing.empty() ? "" : missing + ", so I run the rest.\n") +
                     (pid.known() ? "Approved proposal " + msg::to_string(pid) + ". " : std::string());
  if (kind.empty()) {
    text += "Trial " + msg::to_string(ids->front()) + " is starting";
    if ((*arms)[0].mode == trial_mode::llm) text += " with " + brain_label(st, st.active) + " deciding";
    text += ". I will answer the engine's questions as it trains; you can watch here.";
  } else {
    text += open_comparison(st, kind, *arms, *ids, skipped);
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
  // A universe hands the engine a window of arms at a time, the next as one
  // ends (trial_finished), so a long list never overflows the engine's queue.
  for (std::size_t i = 0; i < arms->size(); ++i) {
    if (kind == "universe" && i >= universe_window) st.waiting_arms.emplace_back((*ids)[i], arm_plan(plan, (*arms)[i]));
    else start_one(self, (*ids)[i], arm_plan(plan, (*arms)[i]));
  }
}

// "resume trial 12": an interrupted or failed trial continues under the same
// id from its last checkpoint (its recorded decisions are re-applied, not
// asked again; its fits are redone), with the brain now in use for the
// questions after the record; its transcript continues after the last line.
void resume(agent_self* self, turn_promise rp, msg::trial_id trial_id) {
  if (trial_id.value <= 0) {
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
                      rp.deliver(reply("Resuming trial " + msg::to_string(trial_id) + " (" + r.plan.symbol + " with " +
                                           r.plan.model + ", " + msg::to_string(r.previous_status) + " before)" + from +
                                           "; its transcript continues.",
                                       trial_id));
                    },
                    [=](caf::error& e) mutable {
                      self->state.active_trials.erase(trial_id);
                      self->state.modes.erase(trial_id);
                      tell(self, self->state.cfg.store, msg::set_trial_status{trial_id, r.previous_status,
                                                                              "could not resume: " +
                                                                                  msg::error_sentence(e)});
                      rp.deliver(error("cannot_resume", "trial " + msg::to_string(trial_id) +
                                                            " could not restart: " + msg::error_sentence(e)));
                    });
          },
          [=](caf::error& e) mutable { rp.deliver(error("cannot_resume", msg::error_sentence(e))); });
}

void approve(agent_self* self, turn_promise rp, msg::proposal_id proposal_id) {
  auto& st = self->state;
  if (!st.proposal) {
    if (proposal_id.known() && st.superseded.count(proposal_id))
      rp.deliver(
          error("stale_proposal", "proposal " + msg::to_string(proposal_id) + " was already approved or replaced"));
    else if (proposal_id.known())
      rp.deliver(error("unknown_proposal", "there is no proposal " + msg::to_string(proposal_id) +
                                               " in this conversation; ask for a trial first"));
    else
      rp.deliver(error("no_proposal", "there is nothing to approve yet; ask for a trial first, e.g. \"Run trial on TSLA\""));
    return;
  }
  if (proposal_id.known() && proposal_id != st.proposal->first) {
    if (st.superseded.count(proposal_id))
      rp.deliver(error("stale_proposal", "proposal " + msg::to_string(proposal_id) + " was replaced by proposal " +
                                             msg::to_string(st.proposal->first) + "; approve that one"));
    else
      rp.deliver(error("unknown_proposal", "there is no proposal " + msg::to_string(proposal_id) +
                                               " in this conversation (the open one is " +
                                               msg::to_string(st.proposal->first) + ")"));
    return;
  }
  auto [pid, plan] = *st.proposal;
  st.superseded.insert(pid);
  st.proposal.reset();
  std::vector<arm_spec> arms;
  auto batch = st.batch_models.find(pid);
  auto sched = st.scheduled_proposals.find(pid);
  auto fan = st.batch_symbols.find(pid);
  if (fan != st.batch_symbols.end()) {
    // A scheduled universe keeps its schedule as every arm's origin.
    std::vector<std::string> models;
    if (batch != st.batch_models.end()) {
      models = batch->second;
      st.batch_models.erase(batch);
    }
    arms = universe_arms(fan->second, models, current_mode(st),
                         sched == st.scheduled_proposals.end() ? "universe" : sched->second);
    const auto skipped = fan->second.missing;
    st.batch_symbols.erase(fan);
    start_arms(self, rp, pid, plan, std::move(arms), "universe", nullptr, true, skipped);
  } else if (batch != st.batch_models.end()) {
    for (const auto& m : batch->second) arms.push_back({m, current_mode(st), m, "compare:" + m});
    st.batch_models.erase(batch);
    start_arms(self, rp, pid, plan, std::move(arms), "models");
  } else {
    // A scheduled proposal keeps its schedule as the trial's origin.
    arms.push_back({"", current_mode(st), "", sched == st.scheduled_proposals.end() ? "chat" : sched->second});
    start_arms(self, rp, pid, plan, std::move(arms), "");
  }
}

}  // namespace mlt::actors::agent
