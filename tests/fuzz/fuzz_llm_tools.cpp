// The checks an LLM brain runs on a tool call before acting on it
// (actors/brain/llm_tools): the arguments are whatever the model wrote.
// Input: the first byte picks the tool (and the question); the rest is the
// arguments text.

#include "actors/brain/llm_tools.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tools = mlt::brain::llm_tools;
  if (size == 0) return 0;
  const unsigned pick = data[0] % 8;
  const std::string arguments = mlt::fuzz::as_text(data + 1, size - 1);
  static const auto known = [](const std::string& s) { return s == "AAPL" || s == "TSLA" || s == "SPY"; };
  if (pick < 3) {
    tools::decide_context ctx;
    ctx.model = (data[0] & 8) ? "lstm" : "xgboost";
    ctx.budget_left = (data[0] & 16) ? 0 : 2;
    const auto d = tools::check_decide(arguments, static_cast<tools::question>(pick), ctx);
    MLT_FUZZ_CHECK(d.ok || !d.error.empty());
  } else if (pick == 3) {
    const auto r = tools::check_report(arguments, (data[0] & 8) != 0, (data[0] & 16) ? 3 : 1);
    MLT_FUZZ_CHECK(r.ok || !r.error.empty());
  } else {
    static const char* names[] = {"propose_trial", "amend_proposal", "reply", "command"};
    const mlt::net::llm_tool_call call{"call_1", names[pick - 4], arguments};
    const auto c = tools::check_chat_call(call, (data[0] & 8) != 0, known);
    MLT_FUZZ_CHECK(c.ok || !c.error.empty());
  }
  return 0;
}
