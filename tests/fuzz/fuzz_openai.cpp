// OpenAI-compatible chat-completions replies (net/openai_client) and their
// tool_calls, whose arguments arrive as a JSON string (or an object).

#include "tests/fuzz/llm_reply_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mlt::fuzz::check_llm_reply(data, size, "OpenAI-compatible server 127.0.0.1:8080", mlt::net::parse_openai_reply, false);
  return 0;
}
