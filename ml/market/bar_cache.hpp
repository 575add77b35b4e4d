#pragma once
/// The on-disk bar cache: bars fetched from a remote source, kept per
/// source, symbol and timespan, so a later request fetches only what is missing.
///
/// Layout: CACHE_DIR/bars/<source>/<SYMBOL>/<timespan>.bars, one file per
/// series. File format (little-endian, version 1):
///   8 bytes  magic "MLTBARS1"
///   int64    covered_from   first day (UTC 00:00) the file is complete for
///   int64    covered_to     last day  (UTC 00:00) the file is complete for
///   uint64   count
///   count x { int64 time; double open, high, low, close, volume }  (48 bytes)
///   uint64   FNV-1a 64 of every byte before it
/// "Covered" is the requested range, not the first/last bar: weekends and
/// holidays inside it have no bars and must not be fetched again.
/// Writes go to a temporary file in the same directory, are fsync'ed, then
/// renamed over the old file (and the directory fsync'ed), so a crash leaves
/// either the old file or the new one, never a torn one. A file that fails
/// its checksum is ignored (and overwritten on the next store).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ml/market/bar.hpp"
#include "ml/market/data_source.hpp"

namespace mlt::ml {

/// Bars and the day range they completely cover.
struct cached_bars {
  std::int64_t covered_from = 0;
  std::int64_t covered_to = 0;
  std::vector<bar> bars;
};

/// One cache file, for `mltrainer cache list`.
struct cache_entry {
  std::string source, symbol, timespan;
  std::int64_t covered_from = 0, covered_to = 0;
  std::size_t bars = 0;
  std::uintmax_t bytes = 0;
  std::string path;
  bool valid = true;  ///< false when the checksum or header is wrong
};

class bar_cache {
public:
  /// `cache_dir` is the daemon's cache directory (STATE_DIR/cache).
  explicit bar_cache(std::string cache_dir);

  /// The file for a series; data_error for a symbol that is not a safe name.
  std::filesystem::path path_for(const std::string& source, const std::string& symbol,
                                 const std::string& timespan) const;
  /// The cached series, or nullopt when absent or invalid.
  std::optional<cached_bars> load(const std::string& source, const std::string& symbol,
                                  const std::string& timespan) const;
  /// Atomically replaces the cached series; data_error on I/O failure.
  void store(const std::string& source, const std::string& symbol, const std::string& timespan,
             const cached_bars& data) const;
  /// Every cache file, sorted by path.
  std::vector<cache_entry> list() const;
  /// Removes every file, or those of one symbol; returns how many.
  std::size_t clear(const std::string& symbol = {}) const;

private:
  std::filesystem::path root_;
};

/// Fetches `range` through the cache: only the days outside the cached
/// coverage are fetched, the result is merged and stored, and the bars in
/// `range` are returned. Days from `today` on are never marked covered
/// (today's bar may still change). `notes` receives lines such as "cache:
/// 480 bars reused, fetched 2024-06-01 .. 2024-06-30".
std::vector<bar> fetch_through_cache(const bar_cache& cache, const std::string& source,
                                     const remote_range& range, const remote_fetch& fetch,
                                     const data_progress& progress, std::int64_t today,
                                     std::vector<std::string>& notes);

/// The cache directory inside a daemon state directory.
std::string cache_dir_for_state(const std::string& state_dir);

}  // namespace mlt::ml
