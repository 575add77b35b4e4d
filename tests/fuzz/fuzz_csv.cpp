// CSV bar files (ml/market/csv_reader): a file a person points a trial at.
// The only failure allowed is ml::data_error naming the problem.

#include "ml/market/csv_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto series = mlt::ml::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    MLT_FUZZ_CHECK(series.source == "csv");
  } catch (const mlt::ml::data_error& e) {
    MLT_FUZZ_CHECK(e.what()[0] != '\0');
  }
  return 0;
}
