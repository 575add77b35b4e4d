#pragma once
/// JSON for the LLM clients: the tool parts of a request in each API's wire
/// format, a reply's model and token usage, and a check that text is a JSON
/// object, so it can be spliced into a request body with msg::json_writer::raw.

#include <cstddef>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "messages/json_writer.hpp"
#include "net/llm_client.hpp"
#include "net/llm_retry.hpp"

namespace mlt::net {

/// `text` as compact JSON into `out` when it is one JSON object; empty or
/// blank text counts as "{}". On failure `out` holds why (for an error).
bool compact_json_object(std::string_view text, std::string& out);

/// A reply's "model" and the two token counts of its "usage" object, under
/// the names the API gives them; what is missing stays as it was.
void read_model_and_usage(simdjson::dom::element reply_doc, const char* input_tokens, const char* output_tokens,
                          llm_reply& reply);

/// Writes the tool parts of a request in one API's wire format: the tool
/// definitions and tool_choice, the calls of an assistant turn, and the
/// results sent back. Both clients write them here, so both make the same
/// checks (a tool_choice that names a tool, schemas that are JSON objects); a
/// request that fails one is refused (llm_failure::bad_request, "<service>
/// request not sent: ...") before anything is sent.
class llm_tool_writer {
public:
  enum class format {
    anthropic,  ///< Messages API: tool_use / tool_result content blocks
    openai,     ///< chat completions: function tools, tool_calls, "tool" messages
  };

  llm_tool_writer(format f, const llm_transport& transport) : format_(f), transport_(transport) {}

  /// "tools" and "tool_choice"; nothing when the request has no tools.
  void tools(msg::json_writer& w, const llm_request& request) const;
  /// One call of the assistant turn `turn` (counted from 1, named in errors).
  void call(msg::json_writer& w, const llm_tool_call& call, std::size_t turn) const;
  /// One result: Anthropic's tool_result block, OpenAI's "tool" message.
  void result(msg::json_writer& w, const llm_message& result) const;
  /// Throws the refusal of a request that cannot be sent.
  [[noreturn]] void refuse(const std::string& why) const;

private:
  void definition(msg::json_writer& w, const llm_tool& tool) const;
  void choice(msg::json_writer& w, const std::string& tool_choice) const;

  format format_;
  const llm_transport& transport_;
};

}  // namespace mlt::net
