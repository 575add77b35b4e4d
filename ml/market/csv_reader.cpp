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

std::string_view without_bom(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);
  return text;
}

// The text line by line, counting lines for the reader's messages.
struct line_source {
  std::string_view text;
  reader& rd;
  std::size_t pos = 0;

  bool next(std::string_view& out) {
    if (pos >= text.size()) return false;
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out = text.substr(pos, nl - pos);
    if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
    pos = nl + 1;
    ++rd.line;
    return true;
  }
};

// Which file column holds what, read from the header.
struct layout {
  int index_of[c_count];
  std::vector<int> role;  // per file column
  bool has_adj = false;
  bool join_time = false;
};

void read_header_names(std::string_view line, const reader& rd, layout& l) {
  std::size_t start = 0;
  std::size_t column = 0;
  while (start <= line.size()) {
    std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) comma = line.size();
    ++column;
    std::string h = lower_trim(line.substr(start, comma - start));
    int c = column_for(h);
    if (c >= 0) {
      if (l.index_of[c] >= 0) rd.fail(column, "column '" + h + "' appears twice in the header");
      l.index_of[c] = static_cast<int>(column - 1);
    }
    l.role.push_back(c);
    start = comma + 1;
  }
}

layout read_header(std::string_view line, const reader& rd) {
  layout l;
  int* index_of = l.index_of;
  std::fill(std::begin(l.index_of), std::end(l.index_of), -1);
  read_header_names(line, rd, l);
  std::vector<int>& role = l.role;
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
  l.has_adj = index_of[c_adj] >= 0;
  l.join_time = index_of[c_date] >= 0 && index_of[c_time] >= 0;
  if (!epoch_ms_col && index_of[c_t] >= 0) role[static_cast<std::size_t>(index_of[c_t])] = -1;
  return l;
}

// Splits a data line into `fields` (quoted fields may hold commas); the
// number of fields found.
std::size_t split_fields(std::string_view line, std::vector<std::string_view>& fields, const reader& rd) {
  const std::size_t ncols = fields.size();
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
  return n;
}

// The bar time from a date, datetime or epoch field (role `c`, file column i + 1).
std::int64_t read_time(std::string_view when, int c, std::size_t i, const reader& rd) {
  std::int64_t time = 0;
  if (c == c_t || all_digits(when)) {
    std::int64_t v = 0;
    auto res = std::from_chars(when.data(), when.data() + when.size(), v);
    if (res.ec != std::errc() || res.ptr != when.data() + when.size())
      rd.fail(i + 1, "bad epoch timestamp " + shown(when));
    // Floor division that cannot overflow (-v did for INT64_MIN; tests/fuzz/fuzz_csv).
    time = (c == c_t || v > 100000000000LL) ? v / 1000 - (v % 1000 < 0 ? 1 : 0) : v;
  } else if (!parse_datetime_view(when, time)) {
    rd.fail(i + 1, "bad date " + shown(when) + " (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)");
  }
  return time;
}

// One data row's fields as a bar; `adjusted` is set when Adj Close rescaled it.
struct row_reader {
  const layout& l;
  const reader& rd;
  std::string scratch, joined;

  bar read(const std::vector<std::string_view>& fields, bool& adjusted) {
    bar b;
    double adj = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      int c = l.role[i];
      if (c < 0 || c == c_time) continue;
      std::string_view f = unquote(fields[i], scratch);
      if (c == c_date || c == c_t) {
        b.time = read_time(l.join_time ? with_time(f, fields) : f, c, i, rd);
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
    if (l.has_adj && b.close > 0 && adj > 0 && adj != b.close) {
      double ratio = adj / b.close;
      b.open *= ratio;
      b.high *= ratio;
      b.low *= ratio;
      b.close = adj;
      adjusted = true;
    }
    return b;
  }

  // "date time" from separate date and time columns.
  std::string_view with_time(std::string_view date, const std::vector<std::string_view>& fields) {
    std::string tmp;
    std::string_view tf = unquote(fields[static_cast<std::size_t>(l.index_of[c_time])], tmp);
    joined.assign(date.data(), date.size());
    joined.push_back(' ');
    joined.append(tf.data(), tf.size());
    return joined;
  }
};

// Many downloads are newest-first; reversing is safe only if the whole file is.
void make_oldest_first(bar_series& s, const std::string& name) {
  if (s.bars.size() > 1 && s.bars.front().time > s.bars.back().time) {
    bool descending = true;
    for (std::size_t i = 1; i < s.bars.size() && descending; ++i)
      descending = s.bars[i].time < s.bars[i - 1].time;
    if (descending) {
      std::reverse(s.bars.begin(), s.bars.end());
      s.warnings.push_back(name + ": rows were newest-first; reversed to oldest-first");
    }
  }
}

}  // namespace

bar_series parse_csv(std::string_view text, const std::string& name) {
  reader rd{name};
  bar_series s;
  s.source = "csv";
  s.origin = name;
  text = without_bom(text);
  line_source lines{text, rd};

  std::string_view line;
  // Header: the first non-empty line.
  bool have_header = false;
  while (lines.next(line))
    if (!line.empty()) { have_header = true; break; }
  if (!have_header) rd.fail(0, "empty file (expected a header such as date,open,high,low,close,volume)");
  const layout l = read_header(line, rd);
  const std::size_t ncols = l.role.size();

  std::vector<std::string_view> fields(ncols);
  row_reader rows{l, rd, {}, {}};
  bool adjusted_any = false;
  s.bars.reserve(text.size() / 48 + 1);
  while (lines.next(line)) {
    if (line.empty()) continue;
    const std::size_t n = split_fields(line, fields, rd);
    if (n != ncols)
      rd.fail(0, "expected " + std::to_string(ncols) + " fields as in the header, found " + std::to_string(n));
    s.bars.push_back(rows.read(fields, adjusted_any));
  }
  if (s.bars.empty()) rd.fail(0, "no data rows after the header");

  make_oldest_first(s, name);
  if (l.has_adj)
    s.warnings.push_back(name + (adjusted_any
                                     ? ": prices adjusted by the Adj Close / Close ratio (dividends and "
                                       "splits); open, high and low scaled, volume unchanged"
                                     : ": Adj Close equals Close on every row; no adjustment needed"));
  if (l.index_of[c_volume] < 0) s.warnings.push_back(name + ": no volume column; volume set to 0");
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
