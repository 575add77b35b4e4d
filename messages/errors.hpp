#pragma once
/// Errors are values: every refusal between actors carries one of these
/// codes and a sentence for the person, so a receiver decides by the code
/// (`e == msg::errc::busy`) and shows the sentence as it is.

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace mlt::msg {

enum class errc : std::uint8_t {
  busy = 1,         ///< the queue is full; nothing was queued
  unknown_trial,    ///< no such trial
  duplicate_trial,  ///< the trial is already queued or running
  invalid_plan,     ///< the plan cannot run (check_plan's sentence)
  data_failed,      ///< bars could not be loaded
  store_failed,     ///< the database refused (cannot open, disk full, ...)
  train_failed,     ///< preparing, fitting or evaluating a model failed
  paper_failed,     ///< paper trading failed
};

/// The codes' words, as clients see them in `trial_failed.code`.
inline constexpr std::array<std::pair<errc, const char*>, 8> errc_words{{
    {errc::busy, "busy"},
    {errc::unknown_trial, "unknown_trial"},
    {errc::duplicate_trial, "duplicate_trial"},
    {errc::invalid_plan, "invalid_plan"},
    {errc::data_failed, "data_failed"},
    {errc::store_failed, "store_failed"},
    {errc::train_failed, "train_failed"},
    {errc::paper_failed, "paper_failed"},
}};

/// The code's word ("busy", ...; "error" for a code outside the table).
const char* to_string(errc code);

/// The sentence of one of our errors; CAF's rendering of any other.
std::string error_sentence(const caf::error& e);

/// The code's word of one of our errors, or `otherwise`.
std::string error_code_word(const caf::error& e, const char* otherwise);

/// Lets the actor system render our errors (logs, CAF's own messages).
void register_error_category(caf::actor_system_config& cfg);

}  // namespace mlt::msg

CAF_ERROR_CODE_ENUM(mlt::msg::errc, "mltrainer")
