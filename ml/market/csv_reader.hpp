#pragma once
/// CSV bar files: our own `date,open,high,low,close,volume`, Yahoo's layout
/// with `Adj Close`, and Polygon-like `t,o,h,l,c,v` with epoch milliseconds.
///
/// Columns are matched by header name (case-insensitive, any order, a
/// "TICKER." prefix such as `AAPL.Open` is ignored). Time columns hold ISO
/// dates or date-times (`YYYY-MM-DD[ T]HH:MM[:SS]`, read as UTC), or epoch
/// numbers (`t` is milliseconds; a numeric date column is milliseconds when
/// above 1e11, else seconds); separate `date` and `time` columns are joined.
/// A file that is entirely newest-first is reversed (with a warning).
/// With `Adj Close`, open/high/low are scaled by adj/close and close becomes
/// the adjusted close; a warning says so. Volume is left as traded.

#include <filesystem>
#include <string>
#include <string_view>

#include "ml/market/bar.hpp"

namespace mlt::ml {

/// Parses CSV text in memory. `name` (usually the file path) is used in
/// error messages, which name the line and column. Sets source "csv",
/// origin = name, and infers the timespan from the bar spacing.
bar_series parse_csv(std::string_view text, const std::string& name);

/// Resolves `path` (relative paths are taken inside `data_dir`) and refuses,
/// with data_error, any path that lands outside `data_dir` after symlinks
/// and `..` are resolved, or when no data directory is configured.
std::filesystem::path resolve_in_data_dir(const std::string& data_dir, const std::string& path);

/// Reads and parses a CSV file that must lie inside `data_dir`.
bar_series read_csv_file(const std::string& data_dir, const std::string& path);

/// Reads a whole file into memory; data_error naming the path on failure.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace mlt::ml
