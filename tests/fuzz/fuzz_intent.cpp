// The rules brain's chat intent parser (actors/brain/intent): any chat line.
// The first byte says whether a proposal is open.

#include "actors/brain/intent.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const bool has_proposal = size > 0 && (data[0] & 1);
  const std::string line = mlt::fuzz::as_text(data, size);
  static const auto known = [](const std::string& s) {
    return s == "AAPL" || s == "TSLA" || s == "SPY" || s == "NVDA" || s == "BRK.B";
  };
  const auto in = mlt::brain::parse_intent(line, has_proposal, known);
  MLT_FUZZ_CHECK(mlt::brain::kind_name(in.kind) != nullptr);
  return 0;
}
