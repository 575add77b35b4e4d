#include "actors/brain/intent.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <regex>
#include <set>

#include "ml/market/bar.hpp"
#include "ml/market/index_members.hpp"
#include "ml/market/universe.hpp"
#include "ml/models/model.hpp"

namespace mlt::brain {

bool plan_edit::empty() const {
  return !symbol && !model && !data_source && !start && !end && !train_ratio && !horizon && !seed &&
         !long_threshold && !short_threshold && !allow_short && !commission_bps && !cash && !slippage_bps &&
         !lookback_days && !optimize && !wf_folds && !wf_window && !symbols && !universe && drop_symbols.empty() &&
         add_symbols.empty();
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Numbers read from a chat line never throw: std::stoi and friends escape
// with out_of_range on "horizon 99999999999" or "ratio 0.000...1" (found
// while writing tests/fuzz/fuzz_intent). Digits saturate at `cap`, so the plan's range
// check answers with its usual message; decimals read as strtod does
// (inf or 0 at the ends of double), which the plan's checks refuse.
std::uint64_t count_in(const std::string& digits, std::uint64_t cap = 100000) {
  std::uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') break;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (cap - d) / 10) return cap;
    v = v * 10 + d;
  }
  return v;
}

int small_count(const std::string& digits) { return static_cast<int>(count_in(digits)); }

double decimal_in(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Words separated by anything that cannot be part of a ticker or a number.
std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || ch == '.' || ch == '-' || ch == '_' || ch == '&' || ch == '$' || ch == '%') {
      cur.push_back(ch);
    } else {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  // A sentence-final period is not part of the word ("on TSLA.").
  for (auto& t : out)
    while (!t.empty() && (t.back() == '.' || t.back() == '-')) t.pop_back();
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

bool has_word(const std::vector<std::string>& low, std::initializer_list<const char*> words) {
  for (const auto& t : low)
    for (const char* w : words)
      if (t == w) return true;
  return false;
}

bool contains(const std::string& hay, const char* needle) { return hay.find(needle) != std::string::npos; }

// Where each model is named in the line: (position, model name).
std::vector<std::pair<std::size_t, std::string>> models_at(const std::string& low) {
  static const std::pair<const char*, const char*> names[] = {
      {"xgboost", "xgboost"},   {"xgb", "xgboost"},       {"gradient boost", "xgboost"},
      {"gradient boosting", "xgboost"}, {"boosted tree", "xgboost"}, {"lstm", "lstm"},      {"transformer", "transformer"},
      {"ensemble", "ensemble"}, {"logistic", "logistic"}, {"logreg", "logistic"},
      {"linear model", "logistic"}, {"majority", "majority"}, {"baseline", "majority"},
      // Models people ask for that we do not have: named as written so that
      // apply_edit refuses them with the list of models we do have.
      {"random forest", "random forest"}, {"svm", "svm"}, {"support vector", "svm"},
      {"arima", "arima"}, {"prophet", "prophet"}, {"gru", "gru"}, {"cnn", "cnn"},
  };
  std::vector<std::pair<std::size_t, std::string>> out;
  for (const auto& [word, model] : names) {
    for (auto pos = low.find(word); pos != std::string::npos; pos = low.find(word, pos + 1)) {
      // Whole words only: "xgb" inside "xgboost" is the same mention, "gru" inside "grunt" is none.
      const std::size_t e = pos + std::strlen(word);
      const bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(low[pos - 1]));
      // A plural "s" still names the model ("lstms", "transformers").
      const std::size_t r = (e < low.size() && low[e] == 's') ? e + 1 : e;
      const bool right = r >= low.size() || !std::isalpha(static_cast<unsigned char>(low[r]));
      if (left && right) out.emplace_back(pos, model);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The last model named wins: "not lstm, use xgboost".
std::optional<std::string> model_in(const std::string& low) {
  auto all = models_at(low);
  if (all.empty()) return std::nullopt;
  return all.back().second;
}

// Every model named, first mention order, without repeats.
std::vector<std::string> all_models_in(const std::string& low) {
  std::vector<std::string> out;
  for (const auto& [pos, m] : models_at(low))
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  return out;
}

bool model_available(const std::string& m) {
  const auto names = ml::model_names();
  return std::find(names.begin(), names.end(), m) != names.end();
}

// Words that are upper case in chat but are not tickers.
const std::set<std::string>& not_tickers() {
  static const std::set<std::string> s = {
      "I", "A", "OK", "ML", "AI", "LSTM", "XGB", "XGBOOST", "CSV", "ETF", "USD", "UTC", "API",
      "PLEASE", "RUN", "YES", "NO", "GO", "THE", "AND", "ON", "FOR", "WITH", "TRIAL", "USE",
      "LLM", "RSI", "MACD", "SMA", "EMA", "ATR", "BPS", "AUC", "ROC", "PNL", "TO", "FROM",
      "IN", "OF", "MY", "ME", "IT", "IS", "BE", "AN", "AT", "BY", "OR", "IF", "SO", "UP",
      "GPT", "VS", "YTD", "CEO", "USA", "US", "EOD", "OOS", "DSR", "PSR", "ROI", "AM", "PM",
      "JSON", "NOW", "WHAT", "HOW", "WHY", "DO", "ALL", "ANY", "NEW", "SVM", "CNN", "GRU",
      "ARIMA", "HELP", "LIST", "SHOW", "STOP", "DAYS", "DAY",
  };
  return s;
}

// Index and market names the universe's own table does not know, and
// company names that are also common words (matched only when capitalised).
std::optional<std::string> extra_alias(const std::string& name) {
  static const std::pair<const char*, const char*> aliases[] = {
      {"nasdaq 100", "QQQ"}, {"nasdaq-100", "QQQ"}, {"dow", "DIA"}, {"dow jones", "DIA"},
      {"russell 2000", "IWM"}, {"russell", "IWM"}, {"sp500", "SPY"}, {"s&p500", "SPY"},
      {"treasuries", "TLT"}, {"nvidia corp", "NVDA"}, {"tesla motors", "TSLA"}, {"apple inc", "AAPL"},
  };
  for (const auto& [alias, ticker] : aliases)
    if (name == alias) return std::string(ticker);
  return std::nullopt;
}

bool common_word_name(const std::string& low_word) {
  static const std::set<std::string> s = {"target", "block"};
  return s.count(low_word) > 0;
}

// Last day of a month, for "to June 2021".
int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return d[(m - 1) % 12];
}

// "2019" -> 2019-01-01 / 2019-12-31; "2019-06" -> 2019-06-01 / 2019-06-30.
std::string normalise_date(const std::string& d, bool is_end) {
  if (d.size() == 4) return d + (is_end ? "-12-31" : "-01-01");
  if (d.size() == 7) {
    if (!is_end) return d + "-01";
    const int y = small_count(d.substr(0, 4)), m = small_count(d.substr(5, 2));
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02d", days_in_month(y, m));
    return d + "-" + buf;
  }
  return d;
}

// `s` with each match of `re` replaced by `with(match)`.
template <class F>
std::string replace_matches(const std::string& s, const std::regex& re, F with) {
  std::string out;
  std::size_t last = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += s.substr(last, static_cast<std::size_t>(m.position(0)) - last);
    out += with(m);
    last = static_cast<std::size_t>(m.position(0) + m.length(0));
  }
  out += s.substr(last);
  return out;
}

// "March 2020" -> "2020-03", "March 5, 2020" -> "2020-03-05", so one date
// pattern reads every form.
std::string months_to_iso(const std::string& low) {
  static const std::regex month_re(
      R"(\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d{2})\b)");
  static const char* names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  return replace_matches(low, month_re, [](const std::smatch& m) {
    int month = 0;
    for (int i = 0; i < 12; ++i)
      if (m[1] == names[i]) month = i + 1;
    char buf[16];
    if (m[2].matched) std::snprintf(buf, sizeof buf, "%s-%02d-%02d", m[3].str().c_str(), month, static_cast<int>(count_in(m[2], 99)));
    else std::snprintf(buf, sizeof buf, "%s-%02d", m[3].str().c_str(), month);
    return std::string(buf);
  });
}

// "five days ahead" -> "5 days ahead", "a week" -> "1 week".
std::string words_to_numbers(const std::string& s) {
  // Compiled once: compiling one per word for every line cost most of a line's parse.
  static const std::regex number_word_re(R"(\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty)\b)");
  static const std::regex one_unit_re(R"(\b(?:a|an)\s+(day|week|month|year|decade)\b)");
  static const std::pair<const char*, const char*> words[] = {
      {"one", "1"}, {"two", "2"}, {"three", "3"}, {"four", "4"}, {"five", "5"}, {"six", "6"},
      {"seven", "7"}, {"eight", "8"}, {"nine", "9"}, {"ten", "10"}, {"twenty", "20"},
  };
  const auto digits = replace_matches(s, number_word_re, [](const std::smatch& m) {
    for (const auto& [w, n] : words)
      if (m[1] == w) return std::string(n);
    return m[0].str();
  });
  return std::regex_replace(digits, one_unit_re, "1 $1");
}

int unit_days(const std::string& unit, bool trading) {
  if (unit.rfind("week", 0) == 0) return trading ? 5 : 7;
  if (unit.rfind("month", 0) == 0) return trading ? 21 : 30;
  if (unit.rfind("year", 0) == 0) return trading ? 252 : 365;
  if (unit.rfind("decade", 0) == 0) return trading ? 2520 : 3652;
  return 1;
}

// "EURUSD", "BTC-USD", "ES_F": a letter, no lower case, nothing but what a
// symbol's file name may hold.
bool written_in_capitals(const std::string& w) {
  bool letter = false;
  for (char ch : w) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::islower(c)) return false;
    if (std::isupper(c)) letter = true;
    else if (!std::isdigit(c) && ch != '.' && ch != '-' && ch != '_' && ch != '&') return false;
  }
  return letter;
}

// What a symbol named after these words does to a universe proposal:
// "drop MSFT and NVDA", "without MSFT" take out; "add TSLA", "plus TSLA" put in.
enum class symbol_role { named, drop, add };

symbol_role role_after(const std::string& low_word, symbol_role current) {
  static const std::set<std::string> drop = {"drop", "remove", "without", "exclude", "excluding", "except", "minus",
                                             "skip", "omit"};
  static const std::set<std::string> add = {"add", "plus", "include", "including"};
  static const std::set<std::string> reset = {"on", "use", "run", "trial", "for", "with", "instead", "keep", "only"};
  if (drop.count(low_word)) return symbol_role::drop;
  if (add.count(low_word)) return symbol_role::add;
  if (reset.count(low_word)) return symbol_role::named;
  return current;
}

void add_once(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// A word after "on", "for", "analyze", "symbol" or "ticker" that no other
// rule read: a symbol whatever its case when a source has it, else named as
// unknown when it looks meant as one.
void read_symbol_after_cue(const std::string& t, const std::string& cand, const std::string& low_tok,
                           const std::string& cue, const std::function<bool(const std::string&)>& symbol_exists,
                           const std::function<void(const std::string&)>& found, std::vector<std::string>& unknown) {
  std::string up = upper(t);
  if (!up.empty() && up[0] == '$') up = up.substr(1);
  // "run trial on eurusd": case does not matter when a source has the symbol.
  if (!not_tickers().count(up) && !model_in(low_tok) && symbol_exists(up)) {
    found(up);
  } else if (ml::looks_like_ticker(up) && !not_tickers().count(up)) {
    if (symbol_exists(up)) found(up);
    else if (t.find_first_of("0123456789") == std::string::npos && up.size() >= 2 &&
             !model_in(low_tok) && low_tok != "the" && low_tok != "data")
      unknown.push_back(up);
  } else if (written_in_capitals(cand) && cand.size() <= 12) {
    unknown.push_back(cand);  // "run trial on XYZABC"
  } else if (cue != "for" && !std::isdigit(static_cast<unsigned char>(t[0]))) {
    // "run trial on 12$$" / "on tesla-ish": name the word we could not read.
    bool all_alpha = std::all_of(t.begin(), t.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    if (!all_alpha) unknown.push_back(t);
  }
}

void read_symbols(intent& out, const std::vector<std::string>& toks, const std::vector<std::string>& low_toks,
                  const std::function<bool(const std::string&)>& symbol_exists) {
  std::vector<std::string> unknown, named;
  symbol_role role = symbol_role::named;
  auto found = [&](const std::string& sym) {
    add_once(role == symbol_role::drop ? out.changes.drop_symbols
             : role == symbol_role::add ? out.changes.add_symbols
                                        : named,
             sym);
  };
  auto name_lookup = [&](const std::string& low_name, const std::string& as_written) -> std::optional<std::string> {
    if (common_word_name(low_name) && !std::isupper(static_cast<unsigned char>(as_written[0]))) return std::nullopt;
    if (auto tk = ml::ticker_for_name(low_name)) return tk;
    return extra_alias(low_name);
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const auto& t = toks[i];
    role = role_after(low_toks[i], role);
    std::string cand = t;
    if (!cand.empty() && cand[0] == '$') cand = cand.substr(1);  // "$TSLA"
    // Longer names written in capitals ("EURUSD", "BTC-USD") are symbols when
    // a source has them, whatever their shape.
    if (written_in_capitals(cand) && !ml::looks_like_ticker(cand) && !not_tickers().count(cand)) {
      if (symbol_exists(cand)) {
        found(cand);
        continue;
      }
    }
    if (ml::looks_like_ticker(cand) && !not_tickers().count(cand)) {
      if (symbol_exists(cand)) {
        found(cand);
        continue;
      }
      // "DOW" is no ticker we know but is a name we know: read on.
      if (!name_lookup(low_toks[i], t)) {
        if (cand.size() >= 2) unknown.push_back(cand);
        continue;
      }
    }
    // Three, two and one word names: "bank of america", "s&p 500", "apple".
    bool matched = false;
    for (std::size_t n = 3; n >= 1 && !matched; --n) {
      if (i + n > toks.size()) continue;
      std::string name = low_toks[i];
      for (std::size_t k = 1; k < n; ++k) name += " " + low_toks[i + k];
      if (auto tk = name_lookup(name, t)) {
        found(*tk);
        i += n - 1;
        matched = true;
      }
    }
    if (matched) continue;
    if (i > 0 && (low_toks[i - 1] == "on" || low_toks[i - 1] == "for" || low_toks[i - 1] == "analyze" ||
                  low_toks[i - 1] == "analyse" || low_toks[i - 1] == "symbol" || low_toks[i - 1] == "ticker"))
      read_symbol_after_cue(t, cand, low_toks[i], low_toks[i - 1], symbol_exists, found, unknown);
  }
  // One symbol is a trial's symbol; two or more (or a named list, read
  // before this) make a universe trial whose first symbol stands for it.
  if (out.changes.symbols) {
    for (const auto& n : named) add_once(*out.changes.symbols, n);
  } else if (named.size() >= 2) {
    out.changes.symbols = named;
  }
  if (out.changes.symbols) out.changes.symbol = out.changes.symbols->front();
  else if (!named.empty()) out.changes.symbol = named.back();
  out.unknown_symbols = unknown;
  if (!out.changes.symbol && !unknown.empty()) out.unknown_symbol = unknown.front();
}

// `num` is `low` with number words as digits (words_to_numbers), made once per line.
void read_dates(plan_edit& e, const std::string& low, const std::string& num) {
  const std::string iso = months_to_iso(low);
  std::smatch m;
  static const std::regex year_range_re(
      R"((?:^|[^\d-])((?:19|20)\d{2})\s*(?:-|to|through|thru|until|till)\s*((?:19|20)\d{2})(?![\d-]))");
  if (std::regex_search(iso, m, year_range_re)) {
    e.start = normalise_date(m[1], false);
    e.end = normalise_date(m[2], true);
  }
  static const std::regex date_re(
      R"((from|since|start(?:ing)?|after|to|until|till|through|thru|end(?:ing)?|before|between|and)\s+(\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4})\b)");
  for (auto it = std::sregex_iterator(iso.begin(), iso.end(), date_re); it != std::sregex_iterator(); ++it) {
    const std::string word = (*it)[1];
    const std::string d = (*it)[2];
    bool is_end = word == "to" || word == "until" || word == "till" || word == "through" || word == "thru" ||
                  word.rfind("end", 0) == 0 || word == "before" || word == "and";
    if (is_end) e.end = normalise_date(d, true);
    else e.start = normalise_date(d, false);
  }
  // "in 2020", "during 2020": that whole year, unless a range was given.
  static const std::regex year_re(R"(\b(?:in|during|for|over)\s+((?:19|20)\d{2})\b(?!-))");
  if (!e.start && !e.end && std::regex_search(iso, m, year_re)) {
    e.start = normalise_date(m[1], false);
    e.end = normalise_date(m[1], true);
  }
  // "last 3 years", "past 18 months", "the last decade".
  static const std::regex lookback_re(R"(\b(?:last|past|previous|recent|most recent)\s+(\d+)\s*(year|month|week|day|decade)s?\b)");
  static const std::regex lookback_one_re(R"(\b(?:the\s+)(?:last|past)\s+(year|decade)\b)");
  if (std::regex_search(num, m, lookback_re)) e.lookback_days = small_count(m[1]) * unit_days(m[2], false);
  else if (std::regex_search(num, m, lookback_one_re)) e.lookback_days = unit_days(m[1], false);
}

void read_split(plan_edit& e, const std::string& low) {
  std::smatch m;
  // Explicit forms keep the number as written, so "train ratio 7" is refused
  // as 7 rather than read as 7%; only a percent sign scales.
  static const std::regex ratio_re(
      R"((?:train(?:ing)?[ _-]*(?:ratio|split|share|fraction|size)|\bsplit)\s*(?:=|:|of|to|at)?\s*(\d*\.?\d+)\s*(%?))");
  static const std::regex train_pct_re(R"(train(?:ing)?\s*(?:on|with|at|=|:)?\s*(?:the\s+first\s+)?(\d{1,3}(?:\.\d+)?)\s*%)");
  static const std::regex train_frac_re(R"(train(?:ing)?\s*(?:on|with|at|=|:)?\s*(0?\.\d+)\b)");
  static const std::regex pct_train_re(R"((\d{1,2})\s*%\s*(?:of\s+(?:the\s+)?(?:data|bars|history)\s+)?(?:for\s+)?train)");
  static const std::regex slash_re(R"((?:^|[^\d/.])(\d{2})\s*/\s*(\d{2})(?:\s*/\s*\d{1,2})?(?![\d/]))");
  if (std::regex_search(low, m, ratio_re)) {
    double v = decimal_in(m[1]);
    if (m[2] == "%") v /= 100.0;
    e.train_ratio = v;
  } else if (std::regex_search(low, m, train_pct_re)) {
    e.train_ratio = decimal_in(m[1]) / 100.0;
  } else if (std::regex_search(low, m, train_frac_re)) {
    e.train_ratio = decimal_in(m[1]);
  } else if (std::regex_search(low, m, pct_train_re)) {
    e.train_ratio = decimal_in(m[1]) / 100.0;
  } else if (std::regex_search(low, m, slash_re)) {
    // "70/30", "80/20 split", "70/15/15": the first part is training.
    const int a = small_count(m[1]), b = small_count(m[2]);
    if (a + b == 100 || (a > b && a + b < 100)) e.train_ratio = a / 100.0;
  }
}

void read_horizon(plan_edit& e, const std::string& num) {
  std::smatch m;
  static const std::regex horizon_re(R"(horizon\s*(?:=|:|of|to)?\s*(\d+)\s*(day|bar|session|week|month)?s?)");
  static const std::regex ahead_re(
      R"((\d+)[ -]*(day|bar|session|week|month)s?[ -]*(?:ahead|horizon|forward|out\b|forecast|later))");
  static const std::regex next_day_re(R"(\b(?:next[ -]day|tomorrow|1[ -]day[ -]ahead)\b)");
  if (std::regex_search(num, m, horizon_re))
    e.horizon = small_count(m[1]) * (m[2].matched ? unit_days(m[2], true) : 1);
  else if (std::regex_search(num, m, ahead_re))
    e.horizon = small_count(m[1]) * unit_days(m[2], true);
  else if (std::regex_search(num, m, next_day_re))
    e.horizon = 1;
}

// "8 folds", "walk-forward with 3 folds", "wf folds 4"; "rolling window", "expanding walk-forward".
void read_walk_forward(plan_edit& e, const std::string& low, const std::string& num) {
  std::smatch m;
  static const std::regex folds_re(R"(\b(\d+)\s*(?:walk[ -]?forward\s*)?folds?\b)");
  static const std::regex named_re(R"((?:walk[ -]?forward|\bwf)(?:\s*folds?)?\s*(?:=|:|of|to|with)?\s*(\d+)\b)");
  if (std::regex_search(num, m, folds_re) || std::regex_search(num, m, named_re)) e.wf_folds = std::stoi(m[1]);
  static const std::regex window_re(R"(\b(rolling|expanding)[ -]+(?:window|walk[ -]?forward))");
  if (std::regex_search(low, m, window_re)) e.wf_window = m[1].str();
}

void read_paper_and_misc(plan_edit& e, const std::string& low) {
  std::smatch m;
  if (contains(low, "polygon")) e.data_source = "polygon";
  else if (contains(low, "csv")) e.data_source = "csv";
  else if (contains(low, "synthetic") || contains(low, "simulated data")) e.data_source = "synthetic";
  else if (contains(low, "real data") || contains(low, "market data")) e.data_source = "auto";
  static const std::regex seed_re(R"(seed\s*(?:=|:|of|to)?\s*(\d+))");
  if (std::regex_search(low, m, seed_re)) e.seed = count_in(m[1], std::numeric_limits<std::uint64_t>::max());
  static const std::regex long_th_re(R"((?:long\s+)?threshold\s*(?:=|:|of|to|at)?\s*(0?\.\d+))");
  static const std::regex short_th_re(R"(short\s+threshold\s*(?:=|:|of|to|at)?\s*(0?\.\d+))");
  if (std::regex_search(low, m, short_th_re)) e.short_threshold = decimal_in(m[1]);
  {
    std::string without_short = std::regex_replace(low, short_th_re, "");
    if (std::regex_search(without_short, m, long_th_re)) e.long_threshold = decimal_in(m[1]);
  }
  if (contains(low, "allow short") || contains(low, "allow shorting") || contains(low, "long-short") ||
      contains(low, "long/short") || contains(low, "with shorting") || contains(low, "enable short"))
    e.allow_short = true;
  if (contains(low, "long only") || contains(low, "long-only") || contains(low, "no short") ||
      contains(low, "without short") || contains(low, "disable short"))
    e.allow_short = false;
  static const std::regex comm_re(R"((?:commission|fees?|costs?)\s*(?:=|:|of|to|at)?\s*(\d*\.?\d+)\s*(?:bps|bp|basis))");
  if (std::regex_search(low, m, comm_re)) e.commission_bps = decimal_in(m[1]);
  static const std::regex slip_re(R"(slippage\s*(?:=|:|of|to|at)?\s*(\d*\.?\d+)\s*(?:bps|bp|basis)?)");
  if (std::regex_search(low, m, slip_re)) e.slippage_bps = decimal_in(m[1]);
  static const std::regex cash_re(R"((?:cash|capital|starting with|start with)\s*(?:=|:|of|to)?\s*\$?\s*(\d+(?:\.\d+)?)\s*([km]?)\b)");
  if (std::regex_search(low, m, cash_re)) {
    double v = decimal_in(m[1]);
    if (m[2] == "k") v *= 1e3;
    if (m[2] == "m") v *= 1e6;
    e.cash = v;
  }
  static const std::regex optimize_re(
      R"(\b(?:optimi[sz]e|optimi[sz]ation|tune|tuning|hyper-?parameter (?:search|tuning|optimi[sz]ation)|grid search)\b)");
  static const std::regex no_optimize_re(R"(\b(?:no|without|skip|don'?t)\s+(?:the\s+)?(?:optimi[sz]|tun))");
  if (std::regex_search(low, no_optimize_re)) e.optimize = false;
  else if (std::regex_search(low, optimize_re)) e.optimize = true;
}

// "use claude" -> "anthropic", "use the local llm" -> "openai", "use rules" -> "rules".
std::string brain_named(const std::string& low) {
  static const std::regex re(
      R"(\b(?:use|switch(?: the brain)? to|change(?: the brain)? to|try|go with|think with|brain)\s+(?:the\s+|a\s+)?(claude|anthropic|openai|open ai|chatgpt|gpt[-\w.]*|local llm|local model|llama[\w.-]*|ollama|llm|rules?(?:[ -]based)?)\b(?:\s+brain)?)");
  std::smatch m;
  if (!std::regex_search(low, m, re)) return "";
  const std::string w = m[1];
  if (w == "claude" || w == "anthropic") return "anthropic";
  if (w.rfind("rule", 0) == 0) return "rules";
  if (w == "llm") return "";  // which one? left to the help text
  return "openai";
}

}  // namespace

const char* kind_name(intent::kind_t k) {
  switch (k) {
    case intent::run_trial: return "run_trial";
    case intent::edit: return "edit";
    case intent::approve: return "approve";
    case intent::reject: return "reject";
    case intent::cancel: return "cancel";
    case intent::list: return "list";
    case intent::show: return "show";
    case intent::status: return "status";
    case intent::help: return "help";
    case intent::paper: return "paper";
    case intent::use_brain: return "use_brain";
    case intent::compare_brains: return "compare_brains";
    case intent::compare_models: return "compare_models";
    case intent::resume: return "resume";
    case intent::data_info: return "data_info";
    case intent::unknown: break;
  }
  return "unknown";
}

namespace {

// The words of a chat line that say what kind of line it is.
struct line_words {
  std::string low;  ///< lower case, a named list blanked out
  std::vector<std::string> low_toks;
  std::string bare;  ///< low without punctuation (apostrophes kept) and edge spaces
  std::int64_t named_trial = 0;
  bool paper_words = false;
  bool compare_word = false;
  std::string brain;
};

// Trial ids: "trial 12", "trial #12", "#12".
std::int64_t trial_named_in(const std::string& text) {
  std::smatch m;
  static const std::regex trial_id_re(R"((?:trial|#)\s*#?\s*(\d+))", std::regex::icase);
  std::int64_t named_trial = 0;
  if (std::regex_search(text, m, trial_id_re)) named_trial = static_cast<std::int64_t>(count_in(m[1], 999999999999999));
  return named_trial;
}

std::string bare_of(const std::string& low) {
  std::string bare = low;
  bare.erase(std::remove_if(bare.begin(), bare.end(),
                            [](char c) { return c != '\'' && std::ispunct(static_cast<unsigned char>(c)); }),
             bare.end());
  while (!bare.empty() && bare.back() == ' ') bare.pop_back();
  while (!bare.empty() && bare.front() == ' ') bare.erase(bare.begin());
  return bare;
}

void read_kind_words(line_words& w) {
  const std::string& low = w.low;
  const std::vector<std::string>& low_toks = w.low_toks;
  w.bare = bare_of(low);
  w.paper_words = has_word(low_toks, {"paper"}) &&
                  (contains(low, "portfolio") || contains(low, "trade") || contains(low, "trading"));
  w.brain = brain_named(low);
  w.compare_word = has_word(low_toks, {"compare", "vs", "versus", "comparison", "benchmark"}) ||
                   contains(low, "which model") || contains(low, "best model") ||
                   contains(low, "better than") || contains(low, "which is better") ||
                   contains(low, "head to head") || contains(low, "head-to-head");
}

// The plan's fields, models and symbols named anywhere in the line.
void read_plan_words(intent& out, const std::vector<std::string>& toks, const line_words& w,
                     const std::function<bool(const std::string&)>& symbol_exists) {
  const std::string& low = w.low;
  read_symbols(out, toks, w.low_toks, symbol_exists);
  out.changes.model = model_in(low);
  out.models = all_models_in(low);
  for (const auto& mdl : out.models)
    if (!model_available(mdl)) out.problems.push_back(mdl + " is not a model I have");
  read_split(out.changes, low);
  const std::string num = words_to_numbers(low);
  read_horizon(out.changes, num);
  read_walk_forward(out.changes, low, num);
  read_dates(out.changes, low, num);
  read_paper_and_misc(out.changes, low);
}

void read_pace(intent& out, const line_words& w) {
  if (!w.paper_words) return;
  std::smatch m;
  static const std::regex pace_re(R"(pace\s*(?:=|:|of)?\s*(\d+)\s*(?:ms)?)", std::regex::icase);
  if (std::regex_search(w.low, m, pace_re)) out.pace_ms = small_count(m[1]);
  else if (has_word(w.low_toks, {"replay"})) out.pace_ms = 200;
}

// Lines that are a command rather than a plan: the first that matches, in
// this order.
std::optional<intent::kind_t> command_kind(const line_words& w, const intent& out) {
  const std::string& low = w.low;
  const std::vector<std::string>& low_toks = w.low_toks;
  const std::string& bare = w.bare;
  const std::int64_t named_trial = w.named_trial;
  static const std::set<std::string> yes = {
      "yes", "y", "ok", "okay", "go", "approve", "approved", "do it", "run it", "start", "start it",
      "sounds good", "go ahead", "lgtm", "yes please", "yep", "yeah", "sure", "confirm", "proceed",
      "ok go", "yes go", "looks good", "go for it", "ship it", "ok run it", "yes run it"};
  static const std::set<std::string> no = {"no", "n", "nope", "never mind", "nevermind", "forget it",
                                           "discard", "drop it", "cancel that", "scrap that"};

  static const std::regex brains_re(
      R"(\b(?:compare(?: the)? brains|brains? comparison|did (?:the |my )?(?:agent|llm|ai|brain|claude|gpt|model brain|mltrainer) (?:help|make a difference|do better|matter)|(?:llm|claude|gpt|ai|anthropic|openai) (?:vs\.?|versus) (?:the )?rules|rules (?:vs\.?|versus) (?:the )?(?:llm|claude|gpt|ai|anthropic|openai)|was (?:the )?(?:llm|claude|agent) (?:better|worth))\b)");
  // A question about the data itself, not a request to use one source.
  static const std::regex data_info_re(
      R"(\b(?:what|which) (?:data|symbols?|tickers?|stocks?|markets?|prices?|files?)(?: \w+)? (?:do|can|are|have|is)\b|\b(?:list|show)(?: me)? (?:the |your |all )?(?:data|symbols|tickers|data sources|csv files)\b|\bwhat data\b|\bavailable (?:data|symbols|tickers)\b)");
  static const std::regex resume_re(R"(\b(?:resume|re-?run|rerun|retry|repeat|restart|run (?:trial\s*#?\s*\d+|#\d+|it) again)\b)");

  if (w.paper_words && !has_word(low_toks, {"cancel"})) return intent::paper;
  if (bare == "help" || bare == "what can you do" || bare == "commands" || bare.empty() || low == "?" ||
      bare == "how does this work" || bare == "what can i ask" || bare == "help me")
    return intent::help;
  if (yes.count(bare)) return intent::approve;
  if (no.count(bare)) return intent::reject;
  if (std::regex_search(low, data_info_re) && !has_word(low_toks, {"run"})) return intent::data_info;
  if (std::regex_search(low, brains_re)) return intent::compare_brains;
  if (!w.brain.empty() && !out.changes.symbol) return intent::use_brain;
  if (named_trial > 0 && std::regex_search(low, resume_re)) return intent::resume;
  if (has_word(low_toks, {"cancel", "abort", "kill"}) ||
      (has_word(low_toks, {"stop"}) && named_trial > 0) || bare == "stop" || bare == "stop it" ||
      bare == "stop the trial" || bare == "stop training")
    return intent::cancel;
  if (named_trial > 0 &&
      (has_word(low_toks, {"show", "open", "get", "details", "view", "display", "report", "transcript",
                           "explain", "result", "results", "summary", "status", "progress"}) ||
       contains(low, "how did") || contains(low, "what happened") || contains(low, "how is") ||
       contains(low, "how's")))
    return intent::show;
  if (w.compare_word && (out.models.size() >= 2 || contains(low, "model"))) return intent::compare_models;
  if (has_word(low_toks, {"list", "history", "overnight"}) || contains(low, "what ran") ||
      contains(low, "past trials") || contains(low, "my trials") || bare == "trials" ||
      contains(low, "previous trials") || contains(low, "recent trials"))
    return intent::list;
  if (has_word(low_toks, {"status", "progress"}) || contains(low, "how is it going") ||
      contains(low, "how's it going") || contains(low, "what's running") || contains(low, "what is running"))
    return intent::status;
  return std::nullopt;
}

// A line that is no command: a new trial, an edit of the open proposal, or unknown.
intent::kind_t plan_kind(const line_words& w, const intent& out, bool has_proposal) {
  intent::kind_t kind = intent::unknown;
  if (has_word(w.low_toks, {"run", "trial", "analyze", "analyse", "train", "predict", "backtest",
                            "test", "forecast", "model", "evaluate", "try", "optimize", "optimise", "tune"}) &&
      (out.changes.symbol || !out.unknown_symbol.empty() || !has_proposal))
    kind = intent::run_trial;
  else if (out.changes.symbol && !has_proposal)
    kind = intent::run_trial;
  else if (!out.changes.empty() && has_proposal)
    kind = intent::edit;
  else if (!out.unknown_symbol.empty())
    kind = intent::run_trial;
  // "go with lstm" while a proposal is open is an edit, not an approval.
  if (kind == intent::run_trial && has_proposal && !out.changes.symbol && out.unknown_symbol.empty())
    kind = out.changes.empty() ? intent::unknown : intent::edit;
  return kind;
}

}  // namespace

intent parse_intent(const std::string& text, bool has_proposal,
                    const std::function<bool(const std::string&)>& symbol_exists) {
  intent out;
  if (text.size() > max_chat_line_chars) {
    out.too_long = true;
    out.problems.push_back("the message is " + std::to_string(text.size()) + " characters long; I read at most " +
                           std::to_string(max_chat_line_chars));
    return out;
  }
  // "the Dow 30": a built-in list, read first and blanked out so that its
  // words are not read again ("dow" is also DIA, "30" a number).
  line_words w;
  w.low = lower(text);
  std::string line = text;
  if (auto mention = ml::find_index_mention(w.low)) {
    out.changes.universe = mention->index->id;
    out.changes.symbols = mention->index->tickers;
    w.low.replace(mention->begin, mention->length, mention->length, ' ');
    line.replace(mention->begin, mention->length, mention->length, ' ');
  }
  const auto toks = tokens(line);
  for (const auto& t : toks) w.low_toks.push_back(lower(t));
  w.named_trial = trial_named_in(text);

  read_plan_words(out, toks, w, symbol_exists);
  read_kind_words(w);
  read_pace(out, w);
  const auto command = command_kind(w, out);
  out.kind = command ? *command : plan_kind(w, out, has_proposal);
  if (out.kind == intent::paper || out.kind == intent::resume || out.kind == intent::cancel ||
      out.kind == intent::show)
    out.trial_id = w.named_trial;
  if (out.kind == intent::use_brain) out.brain_name = w.brain;
  return out;
}

}  // namespace mlt::brain
