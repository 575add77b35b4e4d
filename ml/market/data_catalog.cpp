#include "ml/market/data_catalog.hpp"

#include "ml/market/data_source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ml/market/bar.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/market/synthetic.hpp"

namespace mlt::ml {

namespace fs = std::filesystem;

namespace {

std::string stamp(std::int64_t t, const std::string& timespan) {
  return timespan == "minute" || timespan == "hour" ? format_datetime(t) : format_date(t);
}

std::string synthetic_span() {
  return "10 years of business-day bars ending " + format_date(synthetic_default_end());
}

std::string entry_text(const csv_entry& e) {
  return std::to_string(e.bars) + " " + e.timespan + " bars, " + e.first + " .. " + e.last;
}

}  // namespace

csv_entry describe_csv(const std::string& data_dir, const std::string& path) {
  csv_entry e;
  e.path = path;
  e.symbol = fs::path(path).stem().string();
  try {
    const bar_series s = read_csv_file(data_dir, path);
    e.timespan = s.timespan;
    e.bars = s.bars.size();
    if (e.bars == 0) {
      e.problem = "no rows";
      return e;
    }
    e.first = stamp(s.bars.front().time, s.timespan);
    e.last = stamp(s.bars.back().time, s.timespan);
  } catch (const std::exception& ex) {
    e.problem = ex.what();
  }
  return e;
}

std::vector<csv_entry> list_csv_folder(const std::string& data_dir, std::size_t limit) {
  std::vector<std::string> paths;
  std::error_code ec;
  if (data_dir.empty() || !fs::is_directory(data_dir, ec)) return {};
  for (fs::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".csv" && it->is_regular_file(ec)) paths.push_back(it->path().string());
  std::sort(paths.begin(), paths.end());
  if (paths.size() > limit) paths.resize(limit);
  std::vector<csv_entry> out;
  for (const auto& p : paths) out.push_back(describe_csv(data_dir, p));
  return out;
}

std::string describe_available_data(const std::string& data_dir, bool polygon_key_set) {
  std::string s = "Data I can train on:\n";
  const auto files = list_csv_folder(data_dir);
  if (data_dir.empty()) {
    s += "- CSV folder: none configured (start the daemon with --data-dir FOLDER of SYMBOL.csv files).\n";
  } else if (files.empty()) {
    s += "- CSV folder " + data_dir + ": no SYMBOL.csv files.\n";
  } else {
    s += "- CSV folder " + data_dir + " (real prices; a symbol's file is used first unless a Polygon key is set):\n";
    for (const auto& e : files)
      s += "    " + e.symbol + ": " + (e.problem.empty() ? entry_text(e) : "unusable: " + e.problem) + "\n";
  }
  s += "- Synthetic market: any symbol, " + synthetic_span() +
       " (day or week bars), generated, not market prices. Say \"on synthetic data\".\n";
  s += polygon_key_set ? "- Polygon.io: any US ticker, minute/hour/day/week bars; the default range is the last 2 years "
                         "to today. It is used first for every symbol while the key is set.\n"
                       : "- Polygon.io: not available (no API key; set POLYGON_API_KEY before starting the daemon).\n";
  return s;
}

std::string describe_data_choice(const std::string& symbol, const std::string& source, const std::string& data_dir,
                                 bool polygon_key_set) {
  const std::string synthetic = "the synthetic market for " + symbol + " (" + synthetic_span() +
                                "; generated, not market prices)";
  if (source == "synthetic") return synthetic;
  if (source == "polygon" || (source == "auto" && polygon_key_set))
    return "Polygon.io " + symbol + " aggregates" + (polygon_key_set ? "" : " (no API key is set: this will fail)");
  const std::string path = find_symbol_csv(data_dir, symbol);
  if (path.empty()) {
    if (source == "csv")
      return "no CSV file for " + symbol + (data_dir.empty() ? " (no data folder)" : " in " + data_dir) +
             ": this will fail";
    return synthetic + ", since " + (data_dir.empty() ? "no data folder is configured" : "there is no " + symbol +
                                     ".csv in " + data_dir) + " and no Polygon key is set";
  }
  const csv_entry e = describe_csv(data_dir, path);
  if (!e.problem.empty()) return path + " (cannot be read: " + e.problem + ")";
  return path + ": " + entry_text(e) + " (real prices)";
}

}  // namespace mlt::ml
