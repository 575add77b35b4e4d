#pragma once
/// Market data types shared by loaders, features, models and the simulator.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlt::ml {

/// One OHLCV bar. `time` is seconds since the Unix epoch (UTC); daily bars
/// carry their date at 00:00 UTC.
struct bar {
  std::int64_t time = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
};

/// A validated, strictly time-ordered series for one symbol.
struct bar_series {
  std::string symbol;
  std::string timespan = "day";  ///< minute | hour | day | week
  std::string source;            ///< "synthetic" | "csv" | "polygon"
  std::string origin;            ///< file path, redacted URL or generator spec
  bool synthetic = false;
  std::vector<bar> bars;
  std::vector<std::string> warnings;  ///< non-fatal validation findings
};

/// Thrown by loaders and validation; the message names the problem (file,
/// line, column, ticker, range) so it can be shown to the person as-is.
struct data_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The bar size in words, from the bars' median spacing: "1-minute",
/// "5-minute", "hourly", "4-hour", "daily", "weekly" or "monthly"; from
/// `timespan` when there are fewer than two bars.
std::string bar_size_words(const bar_series& series);

/// "YYYY-MM-DD" for a timestamp (UTC).
std::string format_date(std::int64_t t);
/// "YYYY-MM-DD HH:MM:SS" for a timestamp (UTC).
std::string format_datetime(std::int64_t t);
/// Parses "YYYY-MM-DD" or "YYYY-MM-DD[ T]HH:MM[:SS]" as UTC; false if malformed.
bool parse_datetime(const std::string& text, std::int64_t& out);

}  // namespace mlt::ml
