#pragma once
/// Loading bars for a trial: picks the source, loads, validates.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ml/market/bar.hpp"

namespace mlt::ml {

/// What a trial asks for.
struct data_request {
  std::string symbol;            ///< upper-case ticker
  std::string source = "auto";   ///< auto | synthetic | csv | polygon
  std::string start;             ///< ISO date, empty = source default
  std::string end;               ///< ISO date, empty = source default
  std::string timespan = "day";
  std::uint64_t seed = 42;       ///< synthetic generator seed
  std::string csv_path;          ///< explicit CSV file inside data_dir; empty = DATA_DIR/SYMBOL.csv
  std::string synthetic_mode = "realistic";  ///< realistic | random_walk | planted_signal
};

/// Progress of a long load, for the chat: fraction in [0,1] and a line.
using data_progress = std::function<void(double fraction, const std::string& text)>;

/// A range of bars to fetch from a remote source; from/to are UTC day
/// timestamps, both inclusive.
struct remote_range {
  std::string symbol;
  std::string timespan = "day";
  std::int64_t from = 0;
  std::int64_t to = 0;
};

/// Fetches a range of bars, oldest first; throws data_error. net/ supplies
/// the Polygon implementation (mlt::net::attach_polygon) since ml does not link net.
using remote_fetch = std::function<std::vector<bar>(const remote_range&, const data_progress&)>;

/// Where data lives; filled from the daemon's flags and config.
struct data_environment {
  std::string data_dir;          ///< CSV files SYMBOL.csv; empty = none
  std::string cache_dir;         ///< on-disk bar cache; empty = no cache
  std::string polygon_api_key;   ///< never logged
  std::string polygon_base_url = "https://api.polygon.io";
  remote_fetch polygon_fetch;    ///< set by mlt::net::attach_polygon; empty = no Polygon
  std::int64_t today = 0;        ///< injected clock for default ranges; 0 = system clock
};

/// Fewest bars a trial may train on; fewer is a data_error.
constexpr std::size_t min_bars = 100;

/// Loads, validates and returns the bars. "auto" picks Polygon when a key is
/// set, else DATA_DIR/SYMBOL.csv when present, else the synthetic market.
/// Throws data_error with a message that names the problem.
bar_series load_bars(const data_request& req, const data_environment& env,
                     const data_progress& progress = {});

/// The source "auto" resolves to for this request and environment.
std::string resolve_source(const data_request& req, const data_environment& env);

/// The CSV file in `data_dir` that holds `symbol`: DATA_DIR/SYMBOL.csv, else
/// the one file whose name differs only in case ("EURUSD" finds eurusd.csv).
/// Empty when there is none, or when `symbol` could not be a file name there.
std::string find_symbol_csv(const std::string& data_dir, const std::string& symbol);

/// True when a source knows `symbol` (upper case): the built-in universe
/// (Polygon or the synthetic market serve it) or a CSV file in `data_dir`.
bool symbol_available(const std::string& symbol, const std::string& data_dir);

/// The sentence for a symbol no source knows, naming where it was looked for.
std::string unknown_symbol_text(const std::string& symbol, const std::string& data_dir);

/// The date (YYYY-MM-DD) of the last row of the symbol's CSV file when that
/// row starts with an ISO date; "" otherwise. Reads only the file's tail.
std::string csv_last_date(const std::string& data_dir, const std::string& symbol);

/// The last date (YYYY-MM-DD) a load of `req` will hold, without loading it,
/// following the same choice as load_bars: the synthetic market's fixed end,
/// the CSV file's last row, or "" for Polygon (current data: today).
std::string last_data_date(const data_request& req, const data_environment& env);

}  // namespace mlt::ml
