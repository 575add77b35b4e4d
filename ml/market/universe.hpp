#pragma once
/// The built-in symbol universe: tickers the daemon knows without a data file,
/// and the company names people use for them.

#include <optional>
#include <string>
#include <vector>

namespace mlt::ml {

struct known_symbol {
  std::string ticker;
  std::string name;  ///< company name as people say it ("Apple")
};

/// All built-in symbols, sorted by ticker.
const std::vector<known_symbol>& universe();
/// True if `ticker` (upper case) is in the built-in universe.
bool is_known_ticker(const std::string& ticker);
/// Looks a company name up (case-insensitive, "apple" -> "AAPL").
std::optional<std::string> ticker_for_name(const std::string& name);
/// True if `text` has the shape of a ticker: 1-5 capital letters, optionally
/// ".X" or "-X" class suffix (BRK.B).
bool looks_like_ticker(const std::string& text);

}  // namespace mlt::ml
