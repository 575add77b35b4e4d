#pragma once
/// A trial's checkpoint: what the engine records after each completed
/// decision, and how a resumed run re-applies it. A fit cannot resume
/// mid-way, so a resumed run redoes its fits (the final choice on validation
/// needs every fitted configuration) but asks none of the recorded questions
/// again and keeps the optimiser's outcomes; its counts end where an
/// uninterrupted run's would.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/negotiation.hpp"
#include "messages/store_msgs.hpp"

namespace mlt::actors {

struct trial_run;

namespace checkpoint {

/// Which question an answer belongs to.
struct question_key {
  msg::question question = msg::question::volatility;
  std::string model;
  std::int64_t step = 0;
};

inline question_key key_of(const msg::volatility_report&) { return {msg::question::volatility, "", 0}; }
inline question_key key_of(const msg::progress_report& q) { return {msg::question::progress, q.model, q.step}; }
inline question_key key_of(const msg::initial_results& q) { return {msg::question::results, q.model, 0}; }

/// What a resumed run still has to re-apply.
struct replay {
  msg::trial_checkpoint from;
  std::size_t next_answer = 0;
  std::size_t next_optimization = 0;
  bool active() const {
    return next_answer < from.answers.size() || next_optimization < from.optimizations.size();
  }
};

/// The transcript line of a resumed run: what is kept, what is redone.
std::string resume_text(const msg::trial_checkpoint& c, std::int32_t decision_budget);

/// The recorded answer to this question (show it with replay_note). nullopt
/// when nothing is left to re-apply, or when the redone work asks something
/// else than the record (other bars, another fit): then the replay ends and
/// `why` says why (the agent is asked from here on).
std::optional<msg::decision> take_answer(trial_run& run, const question_key& k, std::string& why);

/// The note of a re-applied answer, keeping its original note.
std::string replay_note(const std::string& note);

/// The recorded outcome of this optimiser run, or nullopt (see take_answer).
std::optional<msg::optimize_outcome> take_optimization(trial_run& run, const std::string& model, int budget,
                                                       std::string& why);

void record_answer(trial_run& run, const question_key& k, const msg::decision& d);
void record_optimization(trial_run& run, const std::string& model, int budget, const msg::optimize_outcome& out);

/// The run's checkpoint now.
msg::trial_checkpoint snapshot(const trial_run& run);

}  // namespace checkpoint
}  // namespace mlt::actors
