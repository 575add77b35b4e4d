#include "ml/market/csv_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "ml/market/calendar.hpp"

namespace mlt::ml {

namespace fs = std::filesystem;

namespace {

enum col : int { c_date, c_time, c_t, c_open, c_high, c_low, c_close, c_adj, c_volume, c_count };

const char* col_name(int c) {
  static const char* names[] = {"date", "time", "t", "open", "high", "low", "close", "adj close", "volume"};
  return names[c];
}

std::string lower_trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // "AAPL.Open" -> "open"; "Adj. Close" keeps working through the alias table.
  auto dot = out.rfind('.');
  if (dot != std::string::npos && dot + 1 < out.size() && out.compare(0, 3, "adj") != 0)
    out = out.substr(dot + 1);
  return out;
}

int column_for(const std::string& h) {
  if (h == "date" || h == "datetime" || h == "timestamp" || h == "day") return c_date;
  if (h == "time") return c_time;
  if (h == "t") return c_t;
  if (h == "open" || h == "o") return c_open;
  if (h == "high" || h == "h") return c_high;
  if (h == "low" || h == "l") return c_low;
  if (h == "close" || h == "c" || h == "close/last") return c_close;
  if (h == "adj close" || h == "adj_close" || h == "adjclose" || h == "adjusted close" ||
      h == "adjusted_close" || h == "adj. close" || h == "adjusted")
    return c_adj;
  if (h == "volume" || h == "v" || h == "vol") return c_volume;
  return -1;
}

struct reader {
  const std::string& name;
  std::size_t line = 0;

  [[noreturn]] void fail(std::size_t column, const std::string& what) const {
    std::string where = name + ":" + std::to_string(line);
    if (column > 0) where += ", column " + std::to_string(column);
    throw data_error(where + ": " + what);
  }
};

std::string shown(std::string_view v) {
  if (v.size() > 40) return "'" + std::string(v.substr(0, 40)) + "...'";
  return "'" + std::string(v) + "'";
}

// Strips quotes and, inside quotes, thousands separators ("4,787,699").
std::string_view unquote(std::string_view f, std::string& scratch) {
  while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
  while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') {
    f = f.substr(1, f.size() - 2);
    if (f.find(',') != std::string_view::npos) {
      scratch.clear();
      for (char ch : f)
        if (ch != ',') scratch.push_back(ch);
      return scratch;
    }
  }
  return f;
}

bool parse_number(std::string_view f, double& out) {
  if (!f.empty() && f.front() == '+') f.remove_prefix(1);
  auto res = std::from_chars(f.data(), f.data() + f.size(), out);
  return res.ec == std::errc() && res.ptr == f.data() + f.size();
}

bool all_digits(std::string_view f) {
  if (f.empty()) return false;
  for (char ch : f)
    if (ch < '0' || ch > '9') return false;
  return true;
}

std::string infer_timespan(const std::vector<bar>& bars) {
  if (bars.size() < 2) return "day";
  std::vector<std::int64_t> diffs;
  diffs.reserve(std::min<std::size_t>(bars.size(), 2001));
  for (std::size_t i = 1; i < bars.size() && diffs.size() < 2000; ++i)
    diffs.push_back(bars[i].time - bars[i - 1].time);
  std::nth_element(diffs.begin(), diffs.begin() + diffs.size() / 2, diffs.end());
  std::int64_t med = diffs[diffs.size() / 2];
  if (med < 3600) return "minute";
  if (med < seconds_per_day) return "hour";
  if (med < 6 * seconds_per_day) return "day";
  if (med < 25 * seconds_per_day) return "week";
  return "month";
}

}  // namespace

bar_series parse_csv(std::string_view text, const std::string& name) {
  reader rd{name};
  bar_series s;
  s.source = "csv";
  s.origin = name;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);

  std::size_t pos = 0;
  auto next_line = [&](std::string_view& out) {
    if (pos >= text.size()) return false;
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out = text.substr(pos, nl - pos);
    if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
    pos = nl + 1;
    ++rd.line;
    return true;
  };

  std::string_view line;
  // Header: the first non-empty line.
  bool have_header = false;
  while (next_line(line))
    if (!line.empty()) { have_header = true; break; }
  if (!have_header) rd.fail(0, "empty file (expected a header such as date,open,high,low,close,volume)");

  int index_of[c_count];
  std::fill(std::begin(index_of), std::end(index_of), -1);
  std::vector<int> role;  // per file column
  {
    std::size_t start = 0;
    std::size_t column = 0;
    while (start <= line.size()) {
      std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) comma = line.size();
      ++column;
      std::string h = lower_trim(line.substr(start, comma - start));
      int c = column_for(h);
      if (c >= 0) {
        if (index_of[c] >= 0) rd.fail(column, "column '" + h + "' appears twice in the header");
        index_of[c] = static_cast<int>(column - 1);
      }
      role.push_back(c);
      start = comma + 1;
    }
  }
  // pandas writes its index with an empty header: a leading unnamed column is the date.
  if (index_of[c_date] < 0 && index_of[c_t] < 0 && index_of[c_time] < 0 && !role.empty() && role[0] < 0 &&
      lower_trim(line.substr(0, line.find(','))).empty()) {
    index_of[c_date] = 0;
    role[0] = c_date;
  }
  // A lone 'time' column is the timestamp itself.
  if (index_of[c_date] < 0 && index_of[c_t] < 0 && index_of[c_time] >= 0) {
    index_of[c_date] = index_of[c_time];
    index_of[c_time] = -1;
    role[static_cast<std::size_t>(index_of[c_date])] = c_date;
  }
  // 't' is the timestamp only when no date column exists.
  const bool epoch_ms_col = index_of[c_date] < 0 && index_of[c_t] >= 0;
  if (index_of[c_date] < 0 && index_of[c_t] < 0)
    rd.fail(0, "header has no date column (expected date,open,high,low,close,volume; the date column may also be "
               "called 'datetime', 'timestamp' or 't')");
  for (int c : {c_open, c_high, c_low, c_close})
    if (index_of[c] < 0)
      rd.fail(0, std::string("header has no '") + col_name(c) +
                     "' column (expected date,open,high,low,close,volume or t,o,h,l,c,v)");
  const bool has_adj = index_of[c_adj] >= 0;
  const bool join_time = index_of[c_date] >= 0 && index_of[c_time] >= 0;
  if (!epoch_ms_col && index_of[c_t] >= 0) role[static_cast<std::size_t>(index_of[c_t])] = -1;
  const std::size_t ncols = role.size();

  std::vector<std::string_view> fields(ncols);
  std::string scratch, joined;
  bool adjusted_any = false;
  s.bars.reserve(text.size() / 48 + 1);

  while (next_line(line)) {
    if (line.empty()) continue;
    std::size_t n = 0, start = 0;
    while (true) {
      std::size_t comma;
      if (start < line.size() && line[start] == '"') {
        std::size_t close = line.find('"', start + 1);
        if (close == std::string_view::npos) rd.fail(n + 1, "unterminated quote");
        comma = line.find(',', close);
      } else {
        comma = line.find(',', start);
      }
      if (comma == std::string_view::npos) comma = line.size();
      if (n < ncols) fields[n] = line.substr(start, comma - start);
      ++n;
      if (comma >= line.size()) break;
      start = comma + 1;
    }
    if (n != ncols)
      rd.fail(0, "expected " + std::to_string(ncols) + " fields as in the header, found " + std::to_string(n));

    bar b;
    double adj = 0;
    for (std::size_t i = 0; i < ncols; ++i) {
      int c = role[i];
      if (c < 0 || c == c_time) continue;
      std::string_view f = unquote(fields[i], scratch);
      if (c == c_date || c == c_t) {
        std::string_view when = f;
        if (join_time) {
          std::string tmp;
          std::string_view tf = unquote(fields[static_cast<std::size_t>(index_of[c_time])], tmp);
          joined.assign(f.data(), f.size());
          joined.push_back(' ');
          joined.append(tf.data(), tf.size());
          when = joined;
        }
        if (c == c_t || all_digits(when)) {
          std::int64_t v = 0;
          auto res = std::from_chars(when.data(), when.data() + when.size(), v);
          if (res.ec != std::errc() || res.ptr != when.data() + when.size())
            rd.fail(i + 1, "bad epoch timestamp " + shown(when));
          // Floor division that cannot overflow (-v did for INT64_MIN; tests/fuzz/fuzz_csv).
          b.time = (c == c_t || v > 100000000000LL) ? v / 1000 - (v % 1000 < 0 ? 1 : 0) : v;
        } else if (!parse_datetime_view(when, b.time)) {
          rd.fail(i + 1, "bad date " + shown(when) + " (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)");
        }
        continue;
      }
      double v = 0;
      if (f.empty()) rd.fail(i + 1, std::string("empty ") + col_name(c) + " value");
      if (!parse_number(f, v)) rd.fail(i + 1, std::string("bad ") + col_name(c) + " value " + shown(f));
      switch (c) {
        case c_open: b.open = v; break;
        case c_high: b.high = v; break;
        case c_low: b.low = v; break;
        case c_close: b.close = v; break;
        case c_adj: adj = v; break;
        case c_volume: b.volume = v; break;
        default: break;
      }
    }
    if (has_adj && b.close > 0 && adj > 0 && adj != b.close) {
      double ratio = adj / b.close;
      b.open *= ratio;
      b.high *= ratio;
      b.low *= ratio;
      b.close = adj;
      adjusted_any = true;
    }
    s.bars.push_back(b);
  }
  if (s.bars.empty()) rd.fail(0, "no data rows after the header");

  // Many downloads are newest-first; reversing is safe only if the whole file is.
  if (s.bars.size() > 1 && s.bars.front().time > s.bars.back().time) {
    bool descending = true;
    for (std::size_t i = 1; i < s.bars.size() && descending; ++i)
      descending = s.bars[i].time < s.bars[i - 1].time;
    if (descending) {
      std::reverse(s.bars.begin(), s.bars.end());
      s.warnings.push_back(name + ": rows were newest-first; reversed to oldest-first");
    }
  }
  if (has_adj)
    s.warnings.push_back(name + (adjusted_any
                                     ? ": prices adjusted by the Adj Close / Close ratio (dividends and "
                                       "splits); open, high and low scaled, volume unchanged"
                                     : ": Adj Close equals Close on every row; no adjustment needed"));
  if (index_of[c_volume] < 0) s.warnings.push_back(name + ": no volume column; volume set to 0");
  s.timespan = infer_timespan(s.bars);
  if (s.timespan == "day" || s.timespan == "week" || s.timespan == "month") {
    // Daily files with epoch times (Polygon: midnight New York) carry the date at 00:00 UTC.
    for (bar& b : s.bars) b.time = day_of(b.time) * seconds_per_day;
  }
  return s;
}

fs::path resolve_in_data_dir(const std::string& data_dir, const std::string& path) {
  if (data_dir.empty())
    throw data_error("cannot read '" + path + "': no data directory is configured (--data-dir)");
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(data_dir), ec);
  if (ec) throw data_error("data directory '" + data_dir + "' cannot be resolved: " + ec.message());
  fs::path p(path);
  if (p.is_relative()) p = root / p;
  fs::path full = fs::weakly_canonical(p, ec);
  if (ec) throw data_error("path '" + path + "' cannot be resolved: " + ec.message());
  auto r = root.begin(), f = full.begin();
  for (; r != root.end(); ++r, ++f) {
    if (r->empty()) continue;  // trailing separator of "dir/"
    if (f == full.end() || *r != *f)
      throw data_error("refusing to read '" + path + "': it is outside the data directory " + root.string());
  }
  return full;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error("cannot open " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw data_error("cannot read " + path.string());
  return ss.str();
}

bar_series read_csv_file(const std::string& data_dir, const std::string& path) {
  fs::path full = resolve_in_data_dir(data_dir, path);
  if (!fs::is_regular_file(full)) throw data_error("no such CSV file: " + full.string());
  std::string text = read_text_file(full);
  return parse_csv(text, full.string());
}

}  // namespace mlt::ml
