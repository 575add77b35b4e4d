#include <map>
#include <memory>
#include <set>

#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/tell.hpp"
#include "actors/store/trial_db.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors {

namespace {

struct store_state {
  std::unique_ptr<store::trial_db> db;
  std::string open_error;  ///< why the database did not open ("" when it did)
  /// Status changes that could not be written (a full disk, a lock held too
  /// long), written before the next request: a trial that ended while the
  /// disk was full is not left "running" until the next restart.
  std::map<msg::trial_id, msg::set_trial_status> unsaved_status;
  /// Trials whose transcript could not be written: the engine fails them, and
  /// their later lines are neither written nor shown (nor wait for a lock)
  /// until the trial is reopened.
  std::set<msg::trial_id> abandoned;
  static inline const char* name = "store";
};

using store_self = caf::stateful_actor<store_state, store_actor::base>;
using db_t = store::trial_db;

void log_store_error(store_self* self, const std::exception& e) {
  caf::aout(self) << "store error: " << e.what() << std::endl;
}

void write_unsaved_status(store_self* self) {
  auto& pending = self->state.unsaved_status;
  for (auto it = pending.begin(); it != pending.end() && self->state.db;) {
    try {
      self->state.db->set_status(it->second.trial_id, it->second.status, it->second.error);
      it = pending.erase(it);
    } catch (const std::exception&) {
      return;  // still failing: kept for the next request
    }
  }
}

// Runs `f` against the database; a failure becomes an error reply naming it.
template <class F>
auto guarded(store_self* self, F f) -> caf::result<decltype(f(*self->state.db))> {
  if (!self->state.db) return caf::make_error(msg::errc::store_failed, self->state.open_error);
  write_unsaved_status(self);
  try {
    return f(*self->state.db);
  } catch (const std::exception& e) {
    log_store_error(self, e);
    return caf::make_error(msg::errc::store_failed, std::string(e.what()));
  }
}

// A write nobody waits for: a failure is logged, never answered.
template <class F>
void write_quietly(store_self* self, F f) {
  try {
    if (self->state.db) f(*self->state.db);
  } catch (const std::exception& e) {
    log_store_error(self, e);
  }
}

void record_event(store_self* self, msg::record_event& m) {
  if (self->state.abandoned.count(m.event.trial_id)) return;
  std::string failure = self->state.db ? "" : self->state.open_error;
  try {
    if (self->state.db) self->state.db->append_event(m.event);
  } catch (const std::exception& e) {
    log_store_error(self, e);
    failure = e.what();
  }
  if (failure.empty()) {
    tell(self, m.forward_to, std::move(m.event));
    return;
  }
  // Never shown: a line the person saw is a line the store holds. The
  // engine fails the trial instead, saying why; it can be resumed once
  // the store writes again.
  self->state.abandoned.insert(m.event.trial_id);
  if (auto engine = caf::actor_cast<caf::actor>(self->current_sender()))
    tell(self, engine, msg::trial_failed{m.event.trial_id, msg::trial_status::failed, "store_failed",
                                         "the store could not record transcript line " +
                                             std::to_string(m.event.seq) + " (" + failure + ")"});
}

void set_status(store_self* self, const msg::set_trial_status& m) {
  self->state.unsaved_status[m.trial_id] = m;
  write_unsaved_status(self);
  if (self->state.unsaved_status.count(m.trial_id))
    caf::aout(self) << "store error: trial " << msg::to_string(m.trial_id) << " stays '" << msg::to_string(m.status)
                    << "' unsaved until the database accepts writes again" << std::endl;
}

store_actor::behavior_type store_behavior(store_self* self, std::string path) {
  harden(self);
  try {
    self->state.db = std::make_unique<store::trial_db>(path);
  } catch (const std::exception& e) {
    // Stay up and answer every request with the reason, so the daemon can
    // say why (a database newer than this build, a full disk, ...).
    self->state.open_error = e.what();
  }
  return {
      [=](msg::save_proposal& m) {
        return guarded(self, [&](db_t& db) { return db.save_proposal(m.plan, m.text); });
      },
      [=](msg::save_universe_report& m) {
        return guarded(self, [&](store::trial_db& db) { return db.save_universe_report(m.report); });
      },
      [=](msg::universe_reports_query& m) {
        return guarded(self, [&](db_t& db) { return db.universe_reports(m.report_id, m.limit); });
      },
      [=](msg::create_trial& m) {
        return guarded(self, [&](db_t& db) { return db.create_trial(m.proposal_id, m.plan, m.origin); });
      },
      [=](msg::record_event& m) { record_event(self, m); },
      // Every earlier request is committed by now: this mailbox is in order.
      [=](msg::relay_after_commit& m) { tell(self, m.to, std::move(m.content)); },
      [=](msg::save_pending_proposal& m) {
        return guarded(self, [&](db_t& db) { return db.save_pending_proposal(m.plan, m.text, m.origin); });
      },
      [=](msg::pending_proposals_query& m) {
        return guarded(self, [&](db_t& db) { return db.pending_proposals(m.limit); });
      },
      [=](msg::dismiss_proposal& m) {
        return guarded(self, [&](db_t& db) { return db.dismiss_proposal(m.proposal_id); });
      },
      [=](msg::reopen_trial& m) {
        self->state.abandoned.erase(m.trial_id);
        return guarded(self, [&](db_t& db) { return db.reopen_trial(m.trial_id); });
      },
      // Fire and forget, like a transcript line: a lost checkpoint costs
      // redone work on resume, never a wrong result.
      [=](msg::save_checkpoint& m) { write_quietly(self, [&](db_t& db) { db.save_checkpoint(m.checkpoint); }); },
      [=](msg::record_fire& m) {
        return guarded(self, [&](db_t& db) { return db.record_fire(m.name, m.fire_utc); });
      },
      [=](msg::record_schedule_outcome& m) {
        write_quietly(self, [&](db_t& db) { db.record_schedule_outcome(m.name, m.trial_id, m.text); });
      },
      [=](msg::schedule_states_query& m) {
        return guarded(self, [&](db_t& db) { return db.schedule_states(m.limit); });
      },
      // Fire and forget: a reply would land in the sender's mailbox unasked.
      [=](msg::set_trial_status& m) { set_status(self, m); },
      [=](msg::save_report& m) { return guarded(self, [&](db_t& db) { return db.save_report(m.report), true; }); },
      [=](msg::list_trials_query& m) { return guarded(self, [&](db_t& db) { return db.list(m.limit); }); },
      [=](msg::get_trial_query& m) { return guarded(self, [&](db_t& db) { return db.get(m.trial_id); }); },
      [=](msg::portfolio_query& m) { return guarded(self, [&](db_t& db) { return db.portfolio(m.symbol); }); },
      [=](msg::save_portfolio& m) {
        return guarded(self, [&](db_t& db) { return db.save_portfolio(m.record), true; });
      },
      [=](msg::latest_trial_query& m) {
        return guarded(self, [&](db_t& db) { return db.latest_completed(m.symbol); });
      },
      [=](msg::trial_counts_query&) {
        return guarded(self, [&](db_t& db) { return msg::trial_counts{db.count_by_status()}; });
      },
      // Fire and forget, like a transcript line: the count it feeds is asked for
      // later by the same engine, behind it in this mailbox.
      [=](msg::record_configuration& m) {
        write_quietly(self, [&](db_t& db) { db.record_configuration(m.config); });
      },
      [=](msg::multiple_testing_query& m) {
        return guarded(self, [&](db_t& db) { return db.multiple_testing(m.symbol, m.target); });
      },
      [=](msg::interrupt_running& m) {
        return guarded(self, [&](db_t& db) { return static_cast<std::int32_t>(db.interrupt_running(m.reason)); });
      },
  };
}

}  // namespace

store_actor spawn_store(caf::actor_system& sys, const std::string& db_path) {
  return sys.spawn<caf::detached>(store_behavior, db_path);
}

}  // namespace mlt::actors
