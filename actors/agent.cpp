#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include <caf/all.hpp>

#include "actors/brain/brain.hpp"
#include "actors/brain/intent.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "messages/type_ids.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"

namespace mlt::actors {

namespace {

struct agent_state {
  agent_config cfg;
  std::unique_ptr<brain::brain> brain;
  caf::actor observer;
  bool observer_gone = false;
  std::optional<std::pair<std::int64_t, msg::trial_plan>> proposal;  ///< the open one
  std::set<std::int64_t> superseded;  ///< earlier revisions of proposals
  std::set<std::int64_t> active_trials;
  static inline const char* name = "agent";
};

using agent_self = caf::stateful_actor<agent_state>;

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

bool symbol_exists(const agent_state& st, const std::string& s) {
  if (ml::is_known_ticker(s)) return true;
  if (st.cfg.data_dir.empty()) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path(st.cfg.data_dir) / (s + ".csv"), ec);
}

std::string help_text() {
  return "I am mlTrainer. I run machine-learning trials on market data and manage them while they train.\n"
         "  - \"Run trial on TSLA\" or \"Analyze AAPL with LSTM model\": I propose a plan.\n"
         "  - Change it in plain words: \"use xgboost\", \"train ratio 0.7\", \"from 2015-01-01\", \"horizon 5\",\n"
         "    \"use synthetic data\", \"threshold 0.6\", \"allow shorting\", \"commission 5 bps\", \"seed 7\".\n"
         "  - \"yes\" / \"ok\" / \"go\" approves; nothing trains before that.\n"
         "  - \"list trials\", \"show trial 3\", \"status\", \"cancel trial 3\", \"help\".\n"
         "  - \"paper trade AAPL\" / \"update my AAPL paper portfolio\" (add \"replay\" to watch fills one by one):\n"
         "    the latest completed trial's model trades bars that arrived after it.\n"
         "Models: " + [] {
           std::string s;
           for (const auto& m : ml::model_names()) s += (s.empty() ? "" : ", ") + m;
           return s;
         }() + ". Symbols: well-known US tickers and company names, or any SYMBOL.csv in the data directory.";
}

// Saves the plan as a new proposal revision and answers with it.
void propose(agent_self* self, caf::response_promise rp, msg::trial_plan plan, std::string lead) {
  std::string text = lead + brain::describe_plan(plan) + "\nApprove with \"yes\", or tell me what to change.";
  self->request(self->state.cfg.store, std::chrono::seconds(30), msg::save_proposal{plan, text})
      .then(
          [=](std::int64_t id) mutable {
            auto& st = self->state;
            if (st.proposal) st.superseded.insert(st.proposal->first);
            st.proposal = std::make_pair(id, plan);
            msg::agent_turn t;
            t.kind = msg::agent_turn::proposal;
            t.proposal_id = id;
            t.plan = plan;
            t.text = text;
            rp.deliver(t);
          },
          [=](caf::error& e) mutable {
            rp.deliver(error("store_failed", "could not record the proposal: " + self->system().render(e)));
          });
}

void approve(agent_self* self, caf::response_promise rp, std::int64_t proposal_id) {
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
  self->request(st.cfg.store, std::chrono::seconds(30), msg::create_trial{pid, plan, "chat"})
      .then(
          [=](std::int64_t trial_id) mutable {
            self->state.active_trials.insert(trial_id);
            // Answer first, so the person reads the approval before the
            // engine's first event about the trial.
            rp.deliver(reply("Approved proposal " + std::to_string(pid) + ". Trial " + std::to_string(trial_id) +
                                 " is starting. I will answer the engine's questions as it trains; you can watch here.",
                             trial_id));
            msg::start_trial start{trial_id, plan, caf::actor_cast<caf::actor>(self), self->state.observer};
            self->request(self->state.cfg.engine, std::chrono::seconds(30), start)
                .then([](std::int32_t) {},
                      [=](caf::error& e) {
                        self->state.active_trials.erase(trial_id);
                        const auto why = self->system().render(e);
                        self->send(self->state.cfg.store, msg::set_trial_status{trial_id, "failed", why});
                        if (self->state.observer)
                          self->send(self->state.observer,
                                     msg::trial_failed{trial_id, "failed", "busy", "cannot start trial " +
                                                                                      std::to_string(trial_id) + ": " + why});
                      });
          },
          [=](caf::error& e) mutable {
            rp.deliver(error("store_failed", "could not record the approval: " + self->system().render(e)));
          });
}

std::string fmt_pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", 100 * v);
  return b;
}

void on_chat(agent_self* self, caf::response_promise rp, const std::string& text) {
  auto& st = self->state;
  auto in = brain::parse_intent(text, st.proposal.has_value(),
                                [self](const std::string& s) { return symbol_exists(self->state, s); });
  switch (in.kind) {
    case brain::intent::help:
      rp.deliver(reply(help_text()));
      return;
    case brain::intent::approve:
      approve(self, rp, 0);
      return;
    case brain::intent::reject:
      if (st.proposal) {
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
          rp.deliver(error("unknown_symbol",
                           "'" + in.unknown_symbol + "' is not a ticker I know. Use a listed US ticker or company name "
                           "(e.g. TSLA, Apple), or put " + in.unknown_symbol + ".csv in the data directory."));
        else
          rp.deliver(error("missing_symbol", "which symbol should I trade? For example: \"Run trial on TSLA\"."));
        return;
      }
      msg::trial_plan plan = st.cfg.defaults;
      std::string problem = brain::apply_edit(plan, in.changes);
      if (!problem.empty()) {
        rp.deliver(error("bad_plan", "I can't plan that: " + problem));
        return;
      }
      propose(self, rp, plan, "Here is my plan:\n");
      return;
    }
    case brain::intent::edit: {
      if (!st.proposal) {
        rp.deliver(reply("There is no open proposal to change. Ask for a trial first, e.g. \"Run trial on TSLA\"."));
        return;
      }
      msg::trial_plan plan = st.proposal->second;
      std::string problem = brain::apply_edit(plan, in.changes);
      if (!problem.empty()) {
        rp.deliver(error("bad_plan", "I kept the plan as it was: " + problem));
        return;
      }
      propose(self, rp, plan, "Updated plan:\n");
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
              [=](caf::error& e) mutable { rp.deliver(error("cancel_failed", self->system().render(e))); });
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
                                  fmt_pct(r.total_return).c_str(), fmt_pct(r.buy_hold_return).c_str());
                    out += b;
                  }
                }
                if (in.kind == brain::intent::status)
                  rp.deliver(reply(shown ? "Running or queued:" + out : "No trial is running or queued."));
                else
                  rp.deliver(reply(shown ? "Recent trials:" + out : "No trials yet. Ask me: \"Run trial on TSLA\"."));
              },
              [=](caf::error& e) mutable { rp.deliver(error("store_failed", self->system().render(e))); });
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
              [=](caf::error& e) mutable { rp.deliver(error("store_failed", self->system().render(e))); });
      return;
    case brain::intent::paper: {
      auto go = [=](std::string symbol) mutable {
        msg::portfolio_request req{symbol, in.trial_id, self->state.observer, in.pace_ms};
        self->request(self->state.cfg.paper, std::chrono::minutes(30), req)
            .then([=](std::string& text) mutable { rp.deliver(reply(text, in.trial_id)); },
                  [=](caf::error& e) mutable {
                    rp.deliver(error("paper_failed", self->system().render(e)));
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
                [=](caf::error& e) mutable { rp.deliver(error("store_failed", self->system().render(e))); });
      } else {
        rp.deliver(error("missing_symbol", "which paper portfolio? For example: \"update my AAPL paper portfolio\""));
      }
      return;
    }
    case brain::intent::unknown:
    default:
      rp.deliver(reply("I did not understand that. " + help_text()));
      return;
  }
}

void maybe_quit(agent_self* self) {
  if (self->state.observer_gone && self->state.active_trials.empty()) self->quit();
}

caf::behavior agent_behavior(agent_self* self, agent_config cfg, caf::actor observer) {
  harden(self);
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.brain = brain::make_rules_brain();
  st.observer = observer;
  if (observer) {
    self->monitor(observer);
    self->set_down_handler([=](caf::down_msg&) {
      self->state.observer_gone = true;
      self->state.observer = nullptr;
      maybe_quit(self);
    });
  }
  return {
      [=](msg::user_chat& m) {
        auto rp = self->make_response_promise();
        on_chat(self, rp, m.text);
        return rp;
      },
      [=](msg::user_approve& m) {
        auto rp = self->make_response_promise();
        approve(self, rp, m.proposal_id);
        return rp;
      },
      [=](msg::volatility_report& q) { return self->state.brain->on_volatility(q); },
      [=](msg::progress_report& q) { return self->state.brain->on_progress(q); },
      [=](msg::initial_results& q) { return self->state.brain->on_initial_results(q); },
      [=](msg::trial_failed& f) {
        self->state.active_trials.erase(f.trial_id);
        maybe_quit(self);
      },
      [=](msg::trial_summary& s) {
        auto rep = self->state.brain->on_result(s);
        self->state.active_trials.erase(s.trial_id);
        maybe_quit(self);
        return rep;
      },
  };
}

}  // namespace

caf::actor spawn_agent(caf::actor_system& sys, agent_config cfg, caf::actor observer) {
  return sys.spawn(agent_behavior, std::move(cfg), std::move(observer));
}

}  // namespace mlt::actors
