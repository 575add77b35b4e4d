// The daemon's JSON config file (config/config_file): parsing, validation of
// every key (schedules with their cron and plan included) and the report.

#include "config/config_file.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mlt::config::daemon_options options;
  mlt::config::config_report report;
  mlt::config::apply_config_json(mlt::fuzz::as_text(data, size), options, report);
  for (const auto& e : report.errors) MLT_FUZZ_CHECK(!e.message.empty());
  mlt::config::check_options(options, report);
  const std::string text = mlt::config::format_report("fuzz.json", report);
  MLT_FUZZ_CHECK(!text.empty());
  return 0;
}
