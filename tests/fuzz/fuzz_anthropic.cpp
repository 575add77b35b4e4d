// Anthropic Messages replies (net/anthropic_client): text and tool_use blocks.

#include "tests/fuzz/llm_reply_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mlt::fuzz::check_llm_reply(data, size, "Anthropic", mlt::net::parse_anthropic_reply, true);
  return 0;
}
