#pragma once
/// Shared by fuzz_anthropic and fuzz_openai: one 2xx reply body through the
/// API's parser (net/llm_replies.hpp). The only failure allowed is an
/// llm_error of kind malformed or server whose text never holds the key.
/// What the brain then does with the tool calls is fuzz_llm_tools.

#include "net/llm_json.hpp"
#include "net/llm_replies.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace mlt::fuzz {

/// `arguments_are_objects`: the parser itself builds each call's arguments
/// from a JSON object (Anthropic), so they must read back as one.
template <class Parse>
void check_llm_reply(const std::uint8_t* data, std::size_t size, const std::string& service, Parse parse,
                     bool arguments_are_objects) {
  static const std::string key = "sk-fuzz-SECRET-0123456789";
  static const net::llm_transport transport(net::llm_endpoint{service, "FUZZ_API_KEY", key, 0, {}, {}});
  net::http_response res;
  res.status = 200;
  res.body = as_text(data, size);
  try {
    const net::llm_reply reply = parse(res, transport);
    for (const auto& call : reply.tool_calls) {
      std::string compact;
      const bool is_object = net::compact_json_object(call.arguments, compact);
      if (arguments_are_objects) MLT_FUZZ_CHECK(is_object);
    }
  } catch (const net::llm_error& e) {
    MLT_FUZZ_CHECK(e.kind == net::llm_failure::malformed || e.kind == net::llm_failure::server);
    MLT_FUZZ_CHECK(std::string(e.what()).find(key) == std::string::npos);
  }
}

}  // namespace mlt::fuzz
