#pragma once
/// The base of the actor tests on CAF's deterministic test coordinator
/// (caf/test/dsl.hpp): an actor system whose scheduler runs one message when
/// the test says so, with mlTrainer's message types registered, and a
/// scripted store that records what it is told and answers what it is asked.
/// Define CAF_SUITE before including this header; the test executable links
/// mlt_caf_test_main (CAF's test runner).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <caf/all.hpp>
#include <caf/test/dsl.hpp>

#include "actors/fwd.hpp"
#include "messages/errors.hpp"
#include "messages/paper_msgs.hpp"
#include "messages/schedule_msgs.hpp"
#include "messages/store_msgs.hpp"
#include "messages/type_ids.hpp"
#include "ml/market/csv_reader.hpp"

namespace mlt::test {

/// SPY's real daily bars (tests/data/PROVENANCE.md).
inline ml::bar_series spy_bars() {
  auto s = ml::read_csv_file(MLT_TEST_DATA_DIR, "SPY_daily.csv");
  s.symbol = "SPY";
  return s;
}

struct dsl_config : caf::actor_system_config {
  dsl_config() { msg::register_message_types(*this); }
};

/// Everything the scripted store was told or asked, in order.
struct store_log {
  std::vector<msg::trial_event> lines;
  std::vector<msg::set_trial_status> statuses;
  std::vector<msg::trial_checkpoint> checkpoints;
  std::vector<msg::fitted_configuration> configurations;
  std::vector<msg::trial_report> reports;
  std::vector<msg::save_proposal> proposals;
  std::vector<msg::create_trial> created;
  std::vector<msg::universe_report> universe_reports;
  std::size_t relayed = 0;          ///< relay_after_commit messages
  std::int64_t last_proposal = 0;   ///< ids it handed out
  std::int64_t last_trial = 0;
};

/// The store's side of the protocol without SQLite: proposal and trial ids
/// count up from 1, a report is "durable" at once, nothing was fitted
/// before, and no trial has completed and no paper portfolio exists.
inline caf::behavior scripted_store(caf::event_based_actor*, std::shared_ptr<store_log> log) {
  return {
      [=](msg::record_event& m) { log->lines.push_back(m.event); },
      [=](msg::set_trial_status& m) { log->statuses.push_back(m); },
      [=](msg::save_checkpoint& m) { log->checkpoints.push_back(m.checkpoint); },
      [=](msg::record_configuration& m) { log->configurations.push_back(m.config); },
      [=](msg::relay_after_commit&) { ++log->relayed; },
      [=](msg::save_report& m) {
        log->reports.push_back(m.report);
        return true;
      },
      [=](msg::multiple_testing_query& q) {
        msg::multiple_testing mt;
        mt.symbol = q.symbol;
        mt.target = q.target;
        return mt;
      },
      [=](msg::save_proposal& m) {
        log->proposals.push_back(m);
        return msg::proposal_id{++log->last_proposal};
      },
      [=](msg::create_trial& m) {
        log->created.push_back(m);
        return msg::trial_id{++log->last_trial};
      },
      [=](msg::save_universe_report& m) {
        log->universe_reports.push_back(m.report);
        return static_cast<std::int64_t>(log->universe_reports.size());
      },
      [](msg::pending_proposals_query&) { return msg::pending_proposal_list{}; },
      [](msg::portfolio_query& q) {
        msg::portfolio_record r;
        r.symbol = q.symbol;
        return r;
      },
      [](msg::latest_trial_query&) { return msg::trial_record{}; },
  };
}

/// What a recording engine is told to do beyond starting trials, and what it
/// did: refuse the next `busy` start_trials as a full queue would, and cancel
/// a trial it started as the real engine does (true, and a trial_failed
/// "cancelled" to the trial's agent).
struct engine_script {
  int busy = 0;
  int refused = 0;                      ///< start_trials answered busy
  std::vector<msg::trial_id> cancelled;  ///< cancel_trials that found their trial
};

/// An engine that starts every trial at once (queue position 0), remembers it
/// in `started` when given one, and with a `script` refuses and cancels as
/// that says (without one it has none to cancel); it does nothing else.
inline actors::engine_actor::behavior_type recording_engine(actors::engine_actor::pointer,
                                                            std::shared_ptr<std::vector<msg::start_trial>> started,
                                                            std::shared_ptr<engine_script> script) {
  return {
      [=](msg::start_trial& m) -> caf::result<std::int32_t> {
        if (script && script->busy > 0) {
          --script->busy;
          ++script->refused;
          return caf::make_error(msg::errc::busy, "busy, position 33: 32 trials are already waiting (the limit is "
                                                  "32); trial " + msg::to_string(m.trial_id) + " was not queued");
        }
        if (started) started->push_back(m);
        return std::int32_t{0};
      },
      [](msg::resume_trial&) { return std::int32_t{0}; },
      [=](msg::cancel_trial& m) {
        if (!script || !started) return false;
        for (const auto& s : *started) {
          if (s.trial_id != m.trial_id) continue;
          if (std::find(script->cancelled.begin(), script->cancelled.end(), m.trial_id) != script->cancelled.end())
            return false;
          script->cancelled.push_back(m.trial_id);
          caf::anon_send(s.agent, msg::trial_failed{m.trial_id, msg::trial_status::cancelled, "cancelled", m.reason});
          return true;
        }
        return false;
      },
      [](msg::optimize_step&) {},
      [](msg::data_progress_msg&) {},
      [](msg::trial_failed&) {},
      [](msg::trainer_moved&) {},
  };
}

inline actors::engine_actor::behavior_type scripted_engine(actors::engine_actor::pointer self) {
  return recording_engine(self, nullptr, nullptr);
}

struct dsl_fixture : test_coordinator_fixture<dsl_config> {
  std::shared_ptr<store_log> stored = std::make_shared<store_log>();
  caf::actor store = sys.spawn(scripted_store, stored);

  /// The scripted store as the store's typed handle, for an actor's config
  /// (it answers what the tested actors ask, not the whole interface).
  actors::store_actor store_handle() const { return caf::actor_cast<actors::store_actor>(store); }

  /// The next message in `who`'s mailbox as a T, left there for the
  /// expect() that follows (fails the test if it is something else).
  template <class T, class Handle>
  T next(const Handle& who) {
    return std::get<0>(extract<T>(caf_handle{who}));
  }

  /// Lets the store take every message waiting for it; the transcript lines
  /// it received since the last call.
  std::vector<msg::trial_event> new_lines() {
    while (sched.prioritize(store)) sched.run_once();
    std::vector<msg::trial_event> out(stored->lines.begin() + static_cast<std::ptrdiff_t>(lines_seen_),
                                      stored->lines.end());
    lines_seen_ = stored->lines.size();
    return out;
  }

  /// The first of `lines` of this kind whose text contains `part`, or nullptr.
  /// The text field `key` of a line's payload ("" if it has none).
  static std::string data_text(const msg::trial_event& line, const std::string& key) {
    for (const auto& f : line.data.fields)
      if (f.key == key && f.type == msg::event_field::kind::text) return f.text;
    return "";
  }

  static const msg::trial_event* find_line(const std::vector<msg::trial_event>& lines, msg::event_kind kind,
                                           const std::string& part = "") {
    for (const auto& l : lines)
      if (l.kind == kind && l.text.find(part) != std::string::npos) return &l;
    return nullptr;
  }

 private:
  std::size_t lines_seen_ = 0;
};

}  // namespace mlt::test
