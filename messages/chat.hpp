#pragma once
/// What a person says (session -> agent) and what the agent answers.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/plan.hpp"

namespace mlt::msg {

/// Free text from the person.
struct user_chat {
  std::uint64_t session_id = 0;
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_chat& x) {
  return f(caf::meta::type_name("user_chat"), x.session_id, x.text);
}

/// The person approves an open proposal.
struct user_approve {
  std::uint64_t session_id = 0;
  msg::proposal_id proposal_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_approve& x) {
  return f(caf::meta::type_name("user_approve"), x.session_id, x.proposal_id);
}

/// The agent's answer to one user turn.
struct agent_turn {
  enum kind_t : std::uint8_t { reply = 0, proposal = 1, error = 2 };
  std::uint8_t kind = reply;
  std::string text;
  msg::proposal_id proposal_id;   ///< for proposal
  trial_plan plan;                ///< for proposal
  std::string error_code;         ///< for error
  msg::trial_id trial_id;         ///< set when the turn started or named a trial
  std::vector<std::string> symbols;  ///< for a universe proposal: every symbol it runs (empty: one trial)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_turn& x) {
  return f(caf::meta::type_name("agent_turn"), x.kind, x.text, x.proposal_id, x.plan,
           x.error_code, x.trial_id, x.symbols);
}

}  // namespace mlt::msg
