#include "ml/market/data_source.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "ml/market/bar_cache.hpp"
#include "ml/market/calendar.hpp"
#include "ml/market/data_catalog.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/market/synthetic.hpp"
#include "ml/market/validation.hpp"

namespace mlt::ml {

namespace fs = std::filesystem;

namespace {

bool valid_timespan(const std::string& t) {
  return t == "minute" || t == "hour" || t == "day" || t == "week";
}

std::int64_t parse_bound(const std::string& text, const char* which) {
  if (text.empty()) return 0;
  std::int64_t t = 0;
  if (!parse_datetime(text, t))
    throw data_error(std::string("invalid ") + which + " date '" + text + "' (expected YYYY-MM-DD)");
  return t;
}

fs::path default_csv_path(const data_request& req, const data_environment& env) {
  return fs::path(env.data_dir) / (req.symbol + ".csv");
}

std::int64_t today_utc(const data_environment& env) {
  if (env.today != 0) return day_of(env.today) * seconds_per_day;
  // The only wall-clock read in ml/: the default end of a live Polygon range.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return day_of(std::chrono::duration_cast<std::chrono::seconds>(now).count()) * seconds_per_day;
}

std::string describe_range(std::int64_t from, std::int64_t to) {
  return (from ? format_date(from) : std::string("beginning")) + " .. " +
         (to ? format_date(to) : std::string("end"));
}

bar_series load_csv(const data_request& req, const data_environment& env) {
  if (env.data_dir.empty())
    throw data_error("no CSV data for " + req.symbol + ": no data directory is configured (--data-dir)");
  std::string path = req.csv_path.empty() ? default_csv_path(req, env).string() : req.csv_path;
  fs::path full = resolve_in_data_dir(env.data_dir, path);
  if (!fs::is_regular_file(full))
    throw data_error("no CSV file for " + req.symbol + ": expected " + full.string() +
                     " with header date,open,high,low,close,volume");
  bar_series s = read_csv_file(env.data_dir, full.string());
  if (s.timespan != req.timespan)
    s.warnings.push_back(full.string() + " holds " + s.timespan + " bars; the request asked for " +
                         req.timespan + " bars");
  return s;
}

bar_series load_synthetic(const data_request& req, std::int64_t from, std::int64_t to) {
  synthetic_spec spec;
  spec.symbol = req.symbol;
  spec.seed = req.seed;
  spec.start = from;
  spec.end = to;
  spec.timespan = req.timespan;
  if (!parse_synthetic_mode(req.synthetic_mode, spec.mode))
    throw data_error("unknown synthetic mode '" + req.synthetic_mode +
                     "' (realistic, random_walk or planted_signal)");
  if (req.timespan != "day" && req.timespan != "week")
    throw data_error("the synthetic market has day and week bars only, not " + req.timespan);
  return generate_synthetic(spec);
}

bar_series load_polygon(const data_request& req, const data_environment& env, std::int64_t from,
                        std::int64_t to, const data_progress& progress) {
  if (env.polygon_api_key.empty())
    throw data_error("Polygon requested for " + req.symbol +
                     " but no API key is set: set POLYGON_API_KEY before starting mltrainerd, or say \"use csv\" "
                     "or \"on synthetic data\"");
  if (!env.polygon_fetch)
    throw data_error("Polygon requested for " + req.symbol + " but this program has no Polygon client attached");
  remote_range range;
  range.symbol = req.symbol;
  range.timespan = req.timespan;
  range.to = to ? to : today_utc(env);
  range.from = from ? from : range.to - 2 * 365 * seconds_per_day;
  bar_series s;
  s.symbol = req.symbol;
  s.timespan = req.timespan;
  s.source = "polygon";
  s.origin = "polygon aggregates " + req.symbol + " " + req.timespan + " " + format_date(range.from) +
             " .. " + format_date(range.to);
  if (env.cache_dir.empty()) {
    s.bars = env.polygon_fetch(range, progress);
    return s;
  }
  std::vector<std::string> notes;
  s.bars = fetch_through_cache(bar_cache(env.cache_dir), "polygon", range, env.polygon_fetch, progress,
                               today_utc(env), notes);
  for (const std::string& n : notes) {
    if (n.rfind("cache: could not", 0) == 0) s.warnings.push_back(n);
    else s.origin += " (" + n + ")";
  }
  return s;
}

}  // namespace

std::string resolve_source(const data_request& req, const data_environment& env) {
  if (req.source != "auto") return req.source;
  if (!env.polygon_api_key.empty()) return "polygon";
  if (!csv_file_for(env.data_dir, req.symbol).empty()) return "csv";
  return "synthetic";
}

bar_series load_bars(const data_request& req, const data_environment& env, const data_progress& progress) {
  if (req.symbol.empty()) throw data_error("no symbol given");
  if (!valid_timespan(req.timespan))
    throw data_error("unknown timespan '" + req.timespan + "' (minute, hour, day or week)");
  const std::string source = resolve_source(req, env);
  if (source != "synthetic" && source != "csv" && source != "polygon")
    throw data_error("unknown data source '" + req.source + "' (auto, synthetic, csv or polygon)");
  const std::int64_t from = parse_bound(req.start, "start");
  const std::int64_t to = parse_bound(req.end, "end");
  if (from && to && from > to)
    throw data_error("start " + req.start + " is after end " + req.end);

  bar_series s;
  if (source == "synthetic") s = load_synthetic(req, from, to);
  else if (source == "csv") s = load_csv(req, env);
  else s = load_polygon(req, env, from, to, progress);
  s.symbol = req.symbol;

  if (from || to) {
    // `end` is a date: every bar on that day is included.
    const std::int64_t stop = to ? to + seconds_per_day : INT64_MAX;
    auto outside = [&](const bar& b) { return b.time < from || b.time >= stop; };
    s.bars.erase(std::remove_if(s.bars.begin(), s.bars.end(), outside), s.bars.end());
  }
  validate_series(s);
  if (s.bars.size() < min_bars)
    throw data_error("only " + std::to_string(s.bars.size()) + " bars for " + req.symbol + " from " +
                     source + " (" + s.origin + ") in " + describe_range(from, to) + "; at least " +
                     std::to_string(min_bars) + " are needed");
  return s;
}

}  // namespace mlt::ml
