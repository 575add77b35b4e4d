#pragma once
/// The JSON wire protocol between a client and a session: decoding client
/// frames (simdjson) and encoding server frames. Untyped JSON stops here.

#include <cstdint>
#include <string>

#include "messages/chat.hpp"
#include "messages/plan.hpp"
#include "messages/store_msgs.hpp"
#include "messages/trial.hpp"

namespace mlt::msg {

/// A decoded client frame. `type` is one of: chat, approve, cancel,
/// list_trials, get_trial, ping.
struct client_frame {
  std::string type;
  std::string text;              ///< chat
  std::int64_t proposal_id = 0;  ///< approve
  std::int64_t trial_id = 0;     ///< cancel, get_trial
  std::int64_t limit = 50;       ///< list_trials
};

/// Decoding outcome: ok, or an error code and a message naming the problem.
struct decode_result {
  bool ok = false;
  client_frame frame;
  std::string error_code;  ///< bad_json | bad_frame | unknown_type | missing_field | bad_field
  std::string error_message;
};

/// Decodes one text frame.
decode_result decode_client_frame(const std::string& text);

// Server -> client frames. Each returns one JSON object as text.
std::string encode_hello(const std::string& version, const std::string& brain);
std::string encode_reply(const std::string& text, std::int64_t trial_id = 0);
std::string encode_proposal(std::int64_t proposal_id, const trial_plan& plan, const std::string& text);
std::string encode_event(const trial_event& e);
std::string encode_report(const trial_report& r);
std::string encode_trial_failed(const trial_failed& f);
std::string encode_trials(const trial_list& list);
std::string encode_trial(const trial_record& rec);
std::string encode_error(const std::string& code, const std::string& message);
std::string encode_paper(const std::string& symbol, const std::string& text, const std::string& data_json);

/// The plan as a JSON object (used in proposal frames and the store).
std::string plan_to_json(const trial_plan& plan);
/// Reads the "paper" section of a plan_to_json document into `out`; keys it
/// lacks (plans stored by older versions) keep out's values. False when the
/// text is not JSON or has no paper section.
bool paper_from_plan_json(const std::string& plan_json, ml::paper_config& out);

}  // namespace mlt::msg
