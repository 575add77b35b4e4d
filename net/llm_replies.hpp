#pragma once
/// Reading the body of a 2xx LLM reply into an llm_reply, one function per
/// API, apart from the clients so that a fuzzer can feed them any bytes.
/// Every failure is an llm_error thrown through `transport.fail` (so the key
/// is scrubbed): `malformed` for a body that is not the API's format,
/// `server` when the body is the API's own error object.

#include "net/llm_client.hpp"
#include "net/llm_retry.hpp"

namespace mlt::net {

/// Anthropic Messages: text and tool_use blocks, stop_reason, model, usage.
llm_reply parse_anthropic_reply(const http_response& res, const llm_transport& transport);

/// OpenAI chat completions: choices[0].message content and tool_calls
/// (arguments as a string or, from some servers, an object), usage.
llm_reply parse_openai_reply(const http_response& res, const llm_transport& transport);

}  // namespace mlt::net
