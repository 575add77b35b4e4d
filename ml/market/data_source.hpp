#pragma once
/// Loading bars for a trial: picks the source, loads, validates.

#include <cstdint>
#include <functional>
#include <string>

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
};

/// Where data lives; filled from the daemon's flags and config.
struct data_environment {
  std::string data_dir;          ///< CSV files SYMBOL.csv; empty = none
  std::string cache_dir;         ///< on-disk bar cache; empty = no cache
  std::string polygon_api_key;   ///< never logged
  std::string polygon_base_url = "https://api.polygon.io";
};

/// Progress of a long load, for the chat: fraction in [0,1] and a line.
using data_progress = std::function<void(double fraction, const std::string& text)>;

/// Loads, validates and returns the bars. "auto" picks Polygon when a key is
/// set, else DATA_DIR/SYMBOL.csv when present, else the synthetic market.
/// Throws data_error with a message that names the problem.
bar_series load_bars(const data_request& req, const data_environment& env,
                     const data_progress& progress = {});

}  // namespace mlt::ml
