// Cron expressions and UTC offsets of schedules (config/cron).

#include "config/cron.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = mlt::fuzz::as_text(data, size);
  std::string error;
  const auto e = mlt::config::parse_cron(text, error);
  if (!e) {
    MLT_FUZZ_CHECK(!error.empty());
  } else {
    // 2024-01-01T00:00:00Z, in three offsets; a fire time is always later.
    for (int offset : {0, 330, -720}) {
      const auto next = mlt::config::next_fire(*e, 1704067200, offset);
      if (next) MLT_FUZZ_CHECK(*next > 1704067200);
    }
  }
  int minutes = 0;
  if (mlt::config::parse_utc_offset(text, minutes)) MLT_FUZZ_CHECK(minutes >= -24 * 60 && minutes <= 24 * 60);
  return 0;
}
