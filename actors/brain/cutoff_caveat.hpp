#pragma once
/// "An LLM that may remember the future": an LLM trained on data up to its
/// knowledge cutoff may know what a market did before that date. When one
/// decided anything in a trial (the proposal, a checkpoint decision, the
/// report) and the period its decisions are judged on ends before its cutoff,
/// the report says so, deterministically, after whatever the LLM wrote.

#include <string>
#include <vector>

#include "messages/trial.hpp"

namespace mlt::brain {

/// An LLM that had a hand in a trial, and what it decided there.
struct llm_role {
  std::string model;                 ///< e.g. "claude-sonnet-4-5"
  std::string cutoff;                ///< "YYYY-MM" or "YYYY-MM-DD"; "" = unknown
  std::string setting;               ///< where the cutoff is set, e.g. "brain.anthropic.knowledge_cutoff"
  std::vector<std::string> decided;  ///< "the proposal", "3 checkpoint decision(s)", "the report"
};

/// The dates a trial's evidence covers, first and last (YYYY-MM-DD, a time
/// after the date is ignored).
struct judged_period {
  std::string first;
  std::string last;
};

/// The period of `s` an LLM's decisions are judged on: the test part (the
/// last walk-forward fold ends with it).
judged_period judged_period_of(const msg::trial_summary& s);

enum class overlap {
  none,     ///< the cutoff is before the period: nothing to remember
  partial,  ///< the period begins on or before the cutoff and ends after it
  full,     ///< the period ends on or before the cutoff, or the cutoff is unknown
};

/// How much of `p` a model with `cutoff` may have seen.
overlap cutoff_overlap(const std::string& cutoff, const judged_period& p);

/// The caveat for `who` ("" when it decided nothing or the overlap is none).
std::string cutoff_caveat(const llm_role& who, const judged_period& p);

/// A short form for tables: "knowledge cutoff 2025-07, after the test period
/// ends (2017-02-16)"; "" when the overlap is none.
std::string cutoff_note(const llm_role& who, const judged_period& p);

/// Adds `who` to `roles`, merged into an entry of the same model and cutoff.
void add_role(std::vector<llm_role>& roles, const llm_role& who);

/// The short notes of the roles that decided something and may remember
/// the period of `s` ("; "-joined, "" = none). Synthetic data gets none: no
/// model remembers generated prices.
std::string cutoff_notes(const std::vector<llm_role>& roles, const msg::trial_summary& s);

/// Appends the caveat of every role to r.caveats (none for synthetic data)
/// and returns cutoff_notes(roles, s).
std::string append_cutoff_caveats(msg::final_report& r, const std::vector<llm_role>& roles,
                                  const msg::trial_summary& s);

}  // namespace mlt::brain
