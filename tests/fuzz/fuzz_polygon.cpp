// Polygon aggregates pages (net/polygon_parse): whatever the HTTP body holds.
// The parser's documented failure is std::runtime_error; the first byte
// chooses daily flooring so both paths run.

#include <stdexcept>
#include <vector>

#include "net/polygon_client.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static mlt::net::aggs_parser parser;  // reused, as the client reuses it
  const bool daily = size > 0 && (data[0] & 1);
  std::vector<mlt::ml::bar> bars;
  try {
    const auto page = parser.parse(std::string_view(reinterpret_cast<const char*>(data), size), bars, daily);
    MLT_FUZZ_CHECK(page.bars == bars.size());
  } catch (const std::runtime_error& e) {
    MLT_FUZZ_CHECK(e.what()[0] != '\0');
  }
  return 0;
}
