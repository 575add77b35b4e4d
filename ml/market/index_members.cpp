#include "ml/market/index_members.hpp"

#include <algorithm>
#include <cctype>

namespace mlt::ml {

namespace {

// The Dow Jones Industrial Average after the change effective 2024-11-08
// (NVDA and SHW replaced INTC and DOW). Members change a few times a decade:
// a study over years before that date holds today's members, so survivorship
// bias is in it (the README says so).
index_members dow30() {
  return {"dow30",
          "the Dow 30 (Dow Jones Industrial Average)",
          "2024-11-08",
          "S&P Dow Jones Indices, DJIA constituents after the change effective 2024-11-08",
          {"AAPL", "AMGN", "AMZN", "AXP", "BA",  "CAT", "CRM", "CSCO", "CVX", "DIS",
           "GS",   "HD",   "HON",  "IBM", "JNJ", "JPM", "KO",  "MCD",  "MMM", "MRK",
           "MSFT", "NKE",  "NVDA", "PG",  "SHW", "TRV", "UNH", "V",    "VZ",  "WMT"}};
}

// Phrases that name each list, longest first so "dow jones 30" wins over "dow 30".
const std::vector<std::pair<std::string, std::string>>& phrases() {
  static const std::vector<std::pair<std::string, std::string>> p = [] {
    std::vector<std::pair<std::string, std::string>> v = {
        {"dow jones industrial average", "dow30"}, {"dow jones industrials", "dow30"},
        {"dow industrials", "dow30"}, {"30 dow stocks", "dow30"}, {"dow 30 stocks", "dow30"},
        {"dow jones 30", "dow30"}, {"dow 30", "dow30"}, {"dow30", "dow30"}, {"djia", "dow30"},
    };
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    return v;
  }();
  return p;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool word_edge(const std::string& s, std::size_t pos) {
  return pos >= s.size() || !std::isalnum(static_cast<unsigned char>(s[pos]));
}

}  // namespace

const std::vector<index_members>& built_in_indexes() {
  static const std::vector<index_members> all = {dow30()};
  return all;
}

const index_members* index_named(const std::string& name) {
  std::string n = lower(name);
  while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.pop_back();
  n.erase(0, std::min(n.find_first_not_of(" \t"), n.size()));
  if (n.rfind("the ", 0) == 0) n.erase(0, 4);
  for (const auto& i : built_in_indexes())
    if (i.id == n) return &i;
  for (const auto& [phrase, id] : phrases())
    if (phrase == n) return index_named(id);
  return nullptr;
}

std::optional<index_mention> find_index_mention(const std::string& low_text) {
  for (const auto& [phrase, id] : phrases()) {
    for (auto pos = low_text.find(phrase); pos != std::string::npos; pos = low_text.find(phrase, pos + 1)) {
      const std::size_t end = pos + phrase.size();
      if ((pos == 0 || word_edge(low_text, pos - 1)) && word_edge(low_text, end))
        return index_mention{index_named(id), pos, phrase.size()};
    }
  }
  return std::nullopt;
}

}  // namespace mlt::ml
