#pragma once
/// Reading the body of a 2xx LLM reply into an llm_reply, one function per
/// API, apart from the clients so that a fuzzer can feed them any bytes.
/// Every failure is an llm_error thrown through `transport.fail` (so the key
/// is scrubbed): `malformed` for a body that is not the API's format,
/// `server` when the body is the API's own error object.

#include <string>

#include <simdjson.h>

#include "net/llm_client.hpp"
#include "net/llm_retry.hpp"

namespace mlt::net {

/// Fails through `transport` with `malformed`: "<service> reply is malformed: why".
[[noreturn]] void malformed_reply(const llm_transport& transport, int status, const std::string& why);

/// The reply body as a JSON object, parsed with `parser` (which owns it); a
/// body that is not JSON or not an object is malformed.
simdjson::dom::element reply_object(simdjson::dom::parser& parser, const http_response& res,
                                    const llm_transport& transport);

/// Anthropic Messages: text and tool_use blocks, stop_reason, model, usage.
llm_reply parse_anthropic_reply(const http_response& res, const llm_transport& transport);

/// OpenAI chat completions: choices[0].message content and tool_calls
/// (arguments as a string or, from some servers, an object), usage.
llm_reply parse_openai_reply(const http_response& res, const llm_transport& transport);

}  // namespace mlt::net
