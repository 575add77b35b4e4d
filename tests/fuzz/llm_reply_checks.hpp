#pragma once
/// Shared by fuzz_anthropic and fuzz_openai: one reply body through the
/// API's parser, then every tool call it carries through the checks the LLM
/// brain runs before acting (actors/brain/llm_tools), as the daemon would.

#include "actors/brain/llm_tools.hpp"
#include "net/llm_json.hpp"
#include "net/llm_replies.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace mlt::fuzz {

template <class Parse>
void check_llm_reply(const std::uint8_t* data, std::size_t size, const std::string& service, Parse parse) {
  namespace llm_tools = brain::llm_tools;
  static const std::string key = "sk-fuzz-SECRET-0123456789";
  static const net::llm_transport transport(net::llm_endpoint{service, "FUZZ_API_KEY", key, 0, {}, {}});
  net::http_response res;
  res.status = 200;
  res.body = as_text(data, size);
  net::llm_reply reply;
  try {
    reply = parse(res, transport);
  } catch (const net::llm_error& e) {
    MLT_FUZZ_CHECK(e.kind == net::llm_failure::malformed || e.kind == net::llm_failure::server);
    MLT_FUZZ_CHECK(std::string(e.what()).find(key) == std::string::npos);
    return;
  }
  static const auto known = [](const std::string& s) { return s == "AAPL" || s == "TSLA" || s == "SPY"; };
  for (const auto& call : reply.tool_calls) {
    std::string compact;
    net::compact_json_object(call.arguments, compact);
    if (call.name == "decide") {
      llm_tools::decide_context ctx;
      ctx.model = "xgboost";
      for (auto q : {llm_tools::question::volatility, llm_tools::question::progress, llm_tools::question::results}) {
        const auto d = llm_tools::check_decide(call.arguments, q, ctx);
        MLT_FUZZ_CHECK(d.ok || !d.error.empty());
      }
    } else if (call.name == "write_report") {
      const auto r = llm_tools::check_report(call.arguments, true, 3);
      MLT_FUZZ_CHECK(r.ok || !r.error.empty());
    } else {
      const auto c = llm_tools::check_chat_call(call, (size & 1) != 0, known);
      MLT_FUZZ_CHECK(c.ok || !c.error.empty());
    }
  }
}

}  // namespace mlt::fuzz
