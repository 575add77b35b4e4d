#pragma once
/// The JSON wire protocol between a client and a session: decoding client
/// frames (simdjson) and encoding server frames. Untyped JSON stops here.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/chat.hpp"
#include "messages/cluster_msgs.hpp"
#include "messages/ids.hpp"
#include "messages/paper_msgs.hpp"
#include "messages/plan.hpp"
#include "messages/store_msgs.hpp"
#include "messages/trial.hpp"
#include "messages/universe_msgs.hpp"

namespace mlt::msg {

class json_writer;

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
std::string encode_reply(const std::string& text, trial_id about = {});
/// `symbols` (a universe proposal's) appear as "symbols" only when there are any.
std::string encode_proposal(proposal_id id, const trial_plan& plan, const std::string& text,
                            const std::vector<std::string>& symbols = {});
std::string encode_event(const trial_event& e);
std::string encode_report(const trial_report& r);
/// The walk-forward record as JSON (the report's "walk_forward", the LLM's report input).
void write_walk_forward(json_writer& w, const walk_forward_result& r);
std::string encode_trial_failed(const trial_failed& f);
std::string encode_trials(const trial_list& list);
std::string encode_trial(const trial_record& rec);
std::string encode_error(const std::string& code, const std::string& message);
std::string encode_paper(const paper_note& n);
/// {"type":"universe_report", "report_id", "universe", "symbols", "models",
///  "rows":[...], "pooled":[...], "text"}: a universe trial's combined report.
std::string encode_universe_report(const universe_report& r);
/// GET /api/universe/{id}: the universe_report frame of a kept report, with its "created_at".
std::string encode_stored_universe_report(const stored_universe_report& r);
/// GET /api/universe: {"type":"universe_reports", "reports":[{"report_id", "created_at", "universe",
///  "symbols", "models", "trial_ids", "trials", "finished"}]}, newest first.
std::string encode_universe_reports(const universe_report_list& list);
/// GET /api/cluster: {"nodes":[{"id","role","address","pid","slots","running","fits_done"}]}.
std::string encode_cluster(const cluster_status& status);
/// The report's sections as one text (the report frame's "text").
std::string report_text(const final_report& r);

class json_writer;

/// `"multiple_testing": {...}` and `"validation_use": [...]` of a report: the
/// counts behind the deflated Sharpe ratio and which rows chose what (also
/// the LLM's report input, so both read the same fields).
void write_multiple_testing(json_writer& w, const trial_summary& s);
void write_validation_use(json_writer& w, const std::vector<row_use>& uses);

}  // namespace mlt::msg
