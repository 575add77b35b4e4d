#include "actors/agent/agent_state.hpp"
#include "actors/agent/universe_table.hpp"

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
#include "actors/spawn_mode.hpp"
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
  // An arm of a model comparison or a universe keeps its model: every row
  // of the table is the plan as approved.
  auto cmp = st.compared_in.find(q.trial_id);
  if (d.action == msg::action::switch_model && cmp != st.compared_in.end() &&
      st.comparisons[cmp->second].kind != "brains") {
    d.action = msg::action::continue_trial;
    d.params.clear();
    d.model.clear();
    d.note += (d.note.empty() ? "" : "; ") + std::string("the model is fixed for this comparison, so I continue");
  }
  return d;
}

// A universe's combined report: kept by the store first, then shown (with
// the store's id); shown even when it could not be kept, saying so.
void publish_universe(agent_self* self, msg::universe_report r) {
  self->request(self->state.cfg.store, std::chrono::seconds(30), msg::save_universe_report{r})
      .then(
          [=](std::int64_t id) mutable {
            r.report_id = id;
            if (self->state.observer) tell(self, self->state.observer, r);
          },
          [=](caf::error& e) mutable {
            r.text += "\n(The store could not keep this report: " + msg::error_sentence(e) + ".)";
            if (self->state.observer) tell(self, self->state.observer, r);
          });
}

// Stores a comparison arm's outcome; answers the person when all are in.
void arm_done(agent_self* self, msg::trial_id trial_id, const msg::trial_summary* s, const msg::final_report* r,
              const std::string& failure, const std::string& remembers, const std::string& plan_remembers) {
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
    if (c->second.kind == "universe") publish_universe(self, universe_report_of(c->second));
    else say(self, comparison_text(c->second), c->first);
    st.comparisons.erase(c);
  }
}

void trial_finished(agent_self* self, msg::trial_id trial_id) {
  auto& st = self->state;
  st.active_trials.erase(trial_id);
  st.modes.erase(trial_id);
  if (!st.waiting_arms.empty()) {
    auto [id, plan] = std::move(st.waiting_arms.front());
    st.waiting_arms.pop_front();
    start_one(self, id, std::move(plan));
  }
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
            if (st.observer) tell(self, st.observer, t);
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
      [=](msg::run_universe& m) {
        auto rp = self->make_response_promise<msg::agent_turn>();
        run_universe(self, rp, m);
        return rp;
      },
      [=](msg::volatility_report& q) { return decide(self, q, &brain::brain::on_volatility); },
      [=](msg::progress_report& q) { return decide(self, q, &brain::brain::on_progress); },
      [=](msg::initial_results& q) { return decide(self, q, &brain::brain::on_initial_results); },
      [=](arm_retry_atom, msg::trial_id trial_id, std::int32_t refusals) { retry_arm(self, trial_id, refusals); },
      [=](msg::trial_failed& f) {
        arm_done(self, f.trial_id, nullptr, nullptr, std::string(msg::to_string(f.status)) + ": " + f.message);
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

}  // namespace mlt::actors::agent

namespace mlt::actors {

agent_actor spawn_agent(caf::actor_system& sys, agent_config cfg, caf::actor observer, thread_mode mode) {
  return spawn_in(sys, mode, agent::agent_behavior, std::move(cfg), std::move(observer));
}

}  // namespace mlt::actors
