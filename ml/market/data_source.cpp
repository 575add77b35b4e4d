#include "ml/market/data_source.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ml/market/bar_cache.hpp"
#include "ml/market/calendar.hpp"
#include "ml/market/data_catalog.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/market/synthetic.hpp"
#include "ml/market/universe.hpp"
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

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A symbol names a file directly inside the data folder: no separators, no
// leading dot, nothing a path could climb out with.
bool file_name_safe(const std::string& symbol) {
  if (symbol.empty() || symbol.size() > 100 || symbol[0] == '.') return false;
  return std::all_of(symbol.begin(), symbol.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || ch == '.' || ch == '-' || ch == '_' || ch == '&' || ch == '^' || ch == '=';
  });
}

// DATA_DIR/SYMBOL.csv, whatever the case of the file's name; empty if none.
fs::path default_csv_path(const data_request& req, const data_environment& env) {
  const std::string found = find_symbol_csv(env.data_dir, req.symbol);
  return found.empty() ? fs::path(env.data_dir) / (req.symbol + ".csv") : fs::path(found);
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
  if (!find_symbol_csv(env.data_dir, req.symbol).empty()) return "csv";
  return "synthetic";
}

std::string find_symbol_csv(const std::string& data_dir, const std::string& symbol) {
  if (data_dir.empty() || !file_name_safe(symbol)) return "";
  std::error_code ec;
  const fs::path exact = fs::path(data_dir) / (symbol + ".csv");
  if (fs::is_regular_file(exact, ec)) return exact.string();
  // Case does not matter: "eurusd" and "EURUSD" both find EURUSD.csv. Two
  // files that differ only in case are ambiguous, and neither is taken.
  const std::string want = upper(symbol) + ".CSV";
  std::string found;
  for (fs::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (upper(it->path().filename().string()) != want || !it->is_regular_file(ec)) continue;
    if (!found.empty()) return "";
    found = it->path().string();
  }
  return found;
}

bool symbol_available(const std::string& symbol, const std::string& data_dir) {
  return is_known_ticker(symbol) || !find_symbol_csv(data_dir, symbol).empty();
}

std::string unknown_symbol_text(const std::string& symbol, const std::string& data_dir) {
  std::string where = "'" + symbol + "' is not a symbol I know. I looked in the built-in list of " +
                      std::to_string(universe().size()) + " US tickers and company names";
  if (data_dir.empty())
    where += "; no data folder is configured (--data-dir or data.dir), so no CSV file was looked for";
  else
    where += " and for " + symbol + ".csv (any case) in the data folder " + data_dir;
  return where + ". Use a listed ticker or company name (e.g. TSLA, Apple), or put " + symbol +
         ".csv (header date,open,high,low,close,volume) in the data folder.";
}

std::string csv_last_date(const std::string& data_dir, const std::string& symbol) {
  const std::string path = find_symbol_csv(data_dir, symbol);
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(std::max<std::streamoff>(0, size - 4096));
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) tail.pop_back();
  const auto nl = tail.rfind('\n');
  const std::string line = nl == std::string::npos ? tail : tail.substr(nl + 1);
  std::int64_t t = 0;
  if (line.size() < 10 || line[4] != '-' || line[7] != '-' || !parse_datetime(line.substr(0, 10), t)) return "";
  return line.substr(0, 10);
}

std::string last_data_date(const data_request& req, const data_environment& env) {
  const std::string source = resolve_source(req, env);
  if (source == "synthetic") return format_date(synthetic_default_end());
  if (source == "csv") return csv_last_date(env.data_dir, req.symbol);
  return "";
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
