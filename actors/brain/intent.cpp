#include "actors/brain/intent.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "ml/market/universe.hpp"

namespace mlt::brain {

bool plan_edit::empty() const {
  return !symbol && !model && !data_source && !start && !end && !train_ratio && !horizon && !seed &&
         !long_threshold && !short_threshold && !allow_short && !commission_bps && !cash;
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

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

std::optional<std::string> model_in(const std::string& low) {
  static const std::pair<const char*, const char*> names[] = {
      {"xgboost", "xgboost"},   {"xgb", "xgboost"},       {"gradient boost", "xgboost"},
      {"boosted tree", "xgboost"}, {"lstm", "lstm"},      {"transformer", "transformer"},
      {"ensemble", "ensemble"}, {"logistic", "logistic"}, {"logreg", "logistic"},
      {"linear model", "logistic"}, {"majority", "majority"}, {"baseline", "majority"},
  };
  std::size_t best = std::string::npos;
  std::optional<std::string> found;
  for (const auto& [word, model] : names) {
    auto pos = low.find(word);
    if (pos != std::string::npos && (best == std::string::npos || pos > best)) {
      // The last model named wins: "not lstm, use xgboost".
      best = pos;
      found = model;
    }
  }
  return found;
}

// Words that are upper case in chat but are not tickers.
const std::set<std::string>& not_tickers() {
  static const std::set<std::string> s = {
      "I", "A", "OK", "ML", "AI", "LSTM", "XGB", "XGBOOST", "CSV", "ETF", "USD", "UTC", "API",
      "PLEASE", "RUN", "YES", "NO", "GO", "THE", "AND", "ON", "FOR", "WITH", "TRIAL", "USE",
      "LLM", "RSI", "MACD", "SMA", "EMA", "ATR", "BPS", "AUC", "ROC", "PNL", "TO", "FROM",
      "IN", "OF", "MY", "ME", "IT", "IS", "BE", "AN", "AT", "BY", "OR", "IF", "SO", "UP",
  };
  return s;
}

std::string normalise_date(const std::string& d, bool is_end) {
  if (d.size() == 4) return d + (is_end ? "-12-31" : "-01-01");
  return d;
}

}  // namespace

intent parse_intent(const std::string& text, bool has_proposal,
                    const std::function<bool(const std::string&)>& symbol_exists) {
  intent out;
  const std::string low = lower(text);
  const auto toks = tokens(text);
  std::vector<std::string> low_toks;
  for (const auto& t : toks) low_toks.push_back(lower(t));

  // Trial ids: "trial 12", "trial #12", "#12".
  std::smatch m;
  static const std::regex trial_id_re(R"((?:trial|#)\s*#?\s*(\d+))", std::regex::icase);
  std::int64_t named_trial = 0;
  if (std::regex_search(text, m, trial_id_re)) named_trial = std::stoll(m[1]);

  // ---- symbols: tickers as written, company names, lower-case tickers after "on"/"for".
  std::vector<std::string> unknown;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const auto& t = toks[i];
    std::string cand = t;
    if (!cand.empty() && cand[0] == '$') cand = cand.substr(1);  // "$TSLA"
    if (ml::looks_like_ticker(cand) && !not_tickers().count(cand)) {
      if (symbol_exists(cand)) {
        out.changes.symbol = cand;
        continue;
      }
      if (cand.size() >= 2) unknown.push_back(cand);
      continue;
    }
    if (auto tk = ml::ticker_for_name(low_toks[i])) {
      out.changes.symbol = *tk;
      continue;
    }
    if (i + 1 < toks.size())
      if (auto tk = ml::ticker_for_name(low_toks[i] + " " + low_toks[i + 1])) {
        out.changes.symbol = *tk;
        ++i;
        continue;
      }
    if (i > 0 && (low_toks[i - 1] == "on" || low_toks[i - 1] == "for" || low_toks[i - 1] == "analyze" ||
                  low_toks[i - 1] == "analyse" || low_toks[i - 1] == "symbol" || low_toks[i - 1] == "ticker")) {
      std::string up = upper(t);
      if (!up.empty() && up[0] == '$') up = up.substr(1);
      if (ml::looks_like_ticker(up) && !not_tickers().count(up)) {
        if (symbol_exists(up)) out.changes.symbol = up;
        else if (t.find_first_of("0123456789") == std::string::npos && up.size() >= 2)
          unknown.push_back(up);
      } else if (low_toks[i - 1] != "for" && !std::isdigit(static_cast<unsigned char>(t[0]))) {
        // "run trial on 12$$" / "on tesla-ish": name the word we could not read.
        bool all_alpha = std::all_of(t.begin(), t.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
        if (!all_alpha) unknown.push_back(t);
      }
    }
  }
  if (!out.changes.symbol && !unknown.empty()) out.unknown_symbol = unknown.front();

  // ---- plan edits.
  out.changes.model = model_in(low);
  static const std::regex ratio_re(
      R"((?:train(?:ing)?[ _-]*(?:ratio|split|share|fraction)?|split)\s*(?:=|:|of|to|at)?\s*(\d*\.?\d+)\s*(%?))",
      std::regex::icase);
  static const std::regex pct_train_re(R"((\d{1,2})\s*%\s*(?:for\s+)?train)", std::regex::icase);
  if (std::regex_search(low, m, ratio_re)) {
    double v = std::stod(m[1]);
    // Only an explicit percent sign scales: "train ratio 7" is refused as 7, not read as 7%.
    if (m[2] == "%") v /= 100.0;
    out.changes.train_ratio = v;
  } else if (std::regex_search(low, m, pct_train_re)) {
    out.changes.train_ratio = std::stod(m[1]) / 100.0;
  }
  static const std::regex horizon_re(R"((?:horizon\s*(?:=|:|of|to)?\s*(\d+))|(?:(\d+)[ -]*(?:day|bar)s?\s*(?:ahead|horizon|forward)))",
                                     std::regex::icase);
  if (std::regex_search(low, m, horizon_re)) out.changes.horizon = std::stoi(m[1].matched ? m[1] : m[2]);
  static const std::regex date_re(R"((from|since|start(?:ing)?|after|to|until|till|through|thru|end(?:ing)?|before|between|and)\s+(\d{4}-\d{2}-\d{2}|\d{4})\b)",
                                  std::regex::icase);
  for (auto it = std::sregex_iterator(low.begin(), low.end(), date_re); it != std::sregex_iterator(); ++it) {
    const std::string word = (*it)[1];
    const std::string d = (*it)[2];
    bool is_end = word == "to" || word == "until" || word == "till" || word == "through" ||
                  word == "thru" || word.rfind("end", 0) == 0 || word == "before" || word == "and";
    if (is_end) out.changes.end = normalise_date(d, true);
    else out.changes.start = normalise_date(d, false);
  }
  if (contains(low, "polygon")) out.changes.data_source = "polygon";
  else if (contains(low, "csv")) out.changes.data_source = "csv";
  else if (contains(low, "synthetic") || contains(low, "simulated data")) out.changes.data_source = "synthetic";
  static const std::regex seed_re(R"(seed\s*(?:=|:|of|to)?\s*(\d+))", std::regex::icase);
  if (std::regex_search(low, m, seed_re)) out.changes.seed = std::stoull(m[1]);
  static const std::regex long_th_re(R"((?:long\s+)?threshold\s*(?:=|:|of|to|at)?\s*(0?\.\d+))", std::regex::icase);
  static const std::regex short_th_re(R"(short\s+threshold\s*(?:=|:|of|to|at)?\s*(0?\.\d+))", std::regex::icase);
  if (std::regex_search(low, m, short_th_re)) out.changes.short_threshold = std::stod(m[1]);
  {
    std::string without_short = std::regex_replace(low, short_th_re, "");
    if (std::regex_search(without_short, m, long_th_re)) out.changes.long_threshold = std::stod(m[1]);
  }
  if (contains(low, "allow short") || contains(low, "allow shorting") || contains(low, "long-short") ||
      contains(low, "long/short") || contains(low, "with shorting") || contains(low, "enable short"))
    out.changes.allow_short = true;
  if (contains(low, "long only") || contains(low, "long-only") || contains(low, "no short") ||
      contains(low, "without short") || contains(low, "disable short"))
    out.changes.allow_short = false;
  static const std::regex comm_re(R"((?:commission|fees?|costs?)\s*(?:=|:|of|to|at)?\s*(\d*\.?\d+)\s*(?:bps|bp|basis))",
                                  std::regex::icase);
  if (std::regex_search(low, m, comm_re)) out.changes.commission_bps = std::stod(m[1]);
  static const std::regex cash_re(R"((?:cash|capital|starting with|start with)\s*(?:=|:|of|to)?\s*\$?\s*(\d+(?:\.\d+)?)\s*([km]?)\b)",
                                  std::regex::icase);
  if (std::regex_search(low, m, cash_re)) {
    double v = std::stod(m[1]);
    if (m[2] == "k") v *= 1e3;
    if (m[2] == "m") v *= 1e6;
    out.changes.cash = v;
  }

  // ---- what kind of line is it?
  std::string bare = low;
  bare.erase(std::remove_if(bare.begin(), bare.end(),
                            [](char c) { return std::ispunct(static_cast<unsigned char>(c)); }),
             bare.end());
  while (!bare.empty() && bare.back() == ' ') bare.pop_back();
  while (!bare.empty() && bare.front() == ' ') bare.erase(bare.begin());
  static const std::set<std::string> yes = {
      "yes", "y", "ok", "okay", "go", "approve", "approved", "do it", "run it", "start", "start it",
      "sounds good", "go ahead", "lgtm", "yes please", "yep", "yeah", "sure", "confirm", "proceed",
      "ok go", "yes go", "looks good", "go for it", "ship it", "ok run it", "yes run it"};
  static const std::set<std::string> no = {"no", "n", "nope", "never mind", "nevermind", "forget it",
                                           "discard", "drop it", "cancel that", "scrap that"};

  const bool paper_words = has_word(low_toks, {"paper"}) &&
                           (contains(low, "portfolio") || contains(low, "trade") || contains(low, "trading"));
  if (paper_words) {
    static const std::regex pace_re(R"(pace\s*(?:=|:|of)?\s*(\d+)\s*(?:ms)?)", std::regex::icase);
    if (std::regex_search(low, m, pace_re)) out.pace_ms = std::stoi(m[1]);
    else if (has_word(low_toks, {"replay"})) out.pace_ms = 200;
  }

  if (paper_words && !has_word(low_toks, {"cancel"})) {
    out.kind = intent::paper;
    out.trial_id = named_trial;
  } else if (bare == "help" || bare == "what can you do" || bare == "commands" || bare.empty() || low == "?") {
    out.kind = intent::help;
  } else if (yes.count(bare)) {
    out.kind = intent::approve;
  } else if (no.count(bare)) {
    out.kind = intent::reject;
  } else if (has_word(low_toks, {"cancel", "abort", "kill"}) ||
             (has_word(low_toks, {"stop"}) && named_trial > 0)) {
    out.kind = intent::cancel;
    out.trial_id = named_trial;
  } else if (named_trial > 0 && has_word(low_toks, {"show", "open", "get", "details", "view", "display", "report", "transcript"})) {
    out.kind = intent::show;
    out.trial_id = named_trial;
  } else if (has_word(low_toks, {"list", "history", "overnight"}) || contains(low, "what ran") ||
             contains(low, "past trials") || contains(low, "my trials") || bare == "trials") {
    out.kind = intent::list;
  } else if (has_word(low_toks, {"status", "progress"}) || contains(low, "how is it going") ||
             contains(low, "how's it going")) {
    out.kind = intent::status;
  } else if (has_word(low_toks, {"run", "trial", "analyze", "analyse", "train", "predict", "backtest",
                                 "test", "forecast", "model", "evaluate", "try"}) &&
             (out.changes.symbol || !out.unknown_symbol.empty() || !has_proposal)) {
    out.kind = intent::run_trial;
  } else if (out.changes.symbol && !has_proposal) {
    out.kind = intent::run_trial;
  } else if (!out.changes.empty() && has_proposal) {
    out.kind = intent::edit;
  } else if (!out.unknown_symbol.empty()) {
    out.kind = intent::run_trial;
  } else {
    out.kind = intent::unknown;
  }
  // "go with lstm" while a proposal is open is an edit, not an approval.
  if (out.kind == intent::run_trial && has_proposal && !out.changes.symbol && out.unknown_symbol.empty())
    out.kind = out.changes.empty() ? intent::unknown : intent::edit;
  return out;
}

}  // namespace mlt::brain
