// The rules brain's report names the bar size of the bars the trial used.
#include <catch2/catch.hpp>

#include <string>

#include "actors/brain/report_writer.hpp"
#include "ml/market/csv_reader.hpp"

namespace {

mlt::msg::trial_summary summary_of(const std::string& file, const std::string& symbol) {
  const auto series = mlt::ml::read_csv_file(MLT_TEST_DATA_DIR, std::string(MLT_TEST_DATA_DIR) + "/" + file);
  mlt::msg::trial_summary s;
  s.symbol = symbol;
  s.model = "logistic";
  s.data_source = "csv";
  s.first_date = mlt::ml::format_date(series.bars.front().time);
  s.last_date = mlt::ml::format_date(series.bars.back().time);
  s.bars = static_cast<std::int64_t>(series.bars.size());
  s.bar_size = mlt::ml::bar_size_words(series);  // as the engine fills it
  s.test.n = 200;
  s.test.accuracy = 0.5;
  s.test.base_rate = 0.5;
  return s;
}

}  // namespace

TEST_CASE("the report says daily, hourly or 1-minute from the bars it used") {
  struct row {
    const char* file;
    const char* symbol;
    const char* words;
  };
  const row rows[] = {
      {"AAPL_daily.csv", "AAPL", "On AAPL daily data ("},
      {"EURUSD_hourly.csv", "EURUSD", "On EURUSD hourly data ("},
      {"BT-SAMPLE-FUTURE_1min_2006-01-02_2006-02-27.csv", "BT-SAMPLE-FUTURE", "On BT-SAMPLE-FUTURE 1-minute data ("},
  };
  for (const auto& r : rows) {
    INFO(r.file);
    const auto report = mlt::brain::write_rules_report(summary_of(r.file, r.symbol));
    CHECK(report.answer.rfind(r.words, 0) == 0);
    if (std::string(r.words).find("daily") == std::string::npos)
      CHECK(report.answer.find("daily") == std::string::npos);
  }
}
