#pragma once
/// Polygon.io aggregates (bars) over http_client, parsed with simdjson's
/// on-demand API and one reused parser.
///
/// GET {base}/v2/aggs/ticker/{T}/range/{mult}/{timespan}/{from}/{to}
///     ?adjusted=true&sort=asc&limit=50000&apiKey=...
/// follows `next_url` (same origin only; the key is appended again), retries
/// 429 (Retry-After honoured, else exponential backoff with jitter), 5xx,
/// timeouts and dropped connections a bounded number of times. Every error is
/// an ml::data_error naming ticker and range; the API key never appears in
/// an error, a progress line or a log.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ml/market/bar.hpp"
#include "ml/market/data_source.hpp"

namespace mlt::net {

/// Client settings; defaults suit the real service.
struct polygon_config {
  std::string api_key;
  std::string base_url = "https://api.polygon.io";  ///< http:// or https://
  std::chrono::milliseconds timeout{30000};          ///< per HTTP request
  int max_retries = 5;                               ///< per page, after the first attempt
  std::chrono::milliseconds backoff_base{500};       ///< first backoff; doubles per retry
  std::chrono::milliseconds backoff_max{30000};      ///< cap of one backoff
  std::chrono::milliseconds retry_after_max{120000}; ///< longer Retry-After is an error
  std::uint64_t jitter_seed = 0x9e3779b97f4a7c15ULL; ///< backoff jitter (deterministic in tests)
  bool adjusted = true;
  int limit = 50000;
  std::string ca_file;                               ///< extra CA bundle for https
  /// Waits between retries; tests replace it to record instead of sleeping.
  std::function<void(std::chrono::milliseconds)> sleep;
  /// Called before each retried request (the daemon counts them); net does
  /// not depend on the metrics registry, so it is handed in.
  std::function<void()> on_retry;
};

/// One aggregates query; dates are YYYY-MM-DD, both inclusive.
struct polygon_query {
  std::string ticker;
  int multiplier = 1;
  std::string timespan = "day";  ///< minute | hour | day | week
  std::string from;
  std::string to;
};

/// What one response page said besides its bars.
struct aggs_page {
  std::string status;            ///< "OK", "DELAYED", "ERROR", ...
  std::int64_t results_count = -1;  ///< -1 when absent
  std::string next_url;
  std::string error_text;        ///< "error" or "message" field of an error response
  std::size_t bars = 0;          ///< bars appended by this page
};

/// Parses aggregates JSON with one reused simdjson on-demand parser.
class aggs_parser {
public:
  aggs_parser();
  ~aggs_parser();
  aggs_parser(const aggs_parser&) = delete;
  aggs_parser& operator=(const aggs_parser&) = delete;

  /// Appends the page's bars to `out` (daily/weekly bars floored to 00:00
  /// UTC of their date when `daily`). Throws std::runtime_error describing
  /// malformed or truncated JSON (the caller adds ticker and range).
  aggs_page parse(std::string_view json, std::vector<ml::bar>& out, bool daily);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Fetches Polygon aggregates; one instance per thread.
class polygon_client {
public:
  explicit polygon_client(polygon_config config);
  ~polygon_client();
  polygon_client(const polygon_client&) = delete;
  polygon_client& operator=(const polygon_client&) = delete;

  /// All bars of the query, oldest first, following pagination. Throws
  /// ml::data_error naming ticker and range.
  std::vector<ml::bar> fetch(const polygon_query& query, const ml::data_progress& progress = {});

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Wires Polygon into a data environment: the key comes from the config or,
/// when empty, POLYGON_API_KEY; the base URL from POLYGON_BASE_URL when set,
/// else the config. Sets env.polygon_fetch so ml::load_bars("polygon") works.
void attach_polygon(ml::data_environment& env, polygon_config defaults = {});

}  // namespace mlt::net
