#include "ml/market/universe.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace mlt::ml {

namespace {

std::vector<known_symbol> make_universe() {
  // Large, liquid US names and ETFs people ask about most; a CSV file in the
  // data directory extends this for any other symbol.
  std::vector<known_symbol> u = {
      {"AAPL", "Apple"},        {"MSFT", "Microsoft"},     {"GOOGL", "Alphabet"},
      {"GOOG", "Google"},       {"AMZN", "Amazon"},        {"META", "Meta"},
      {"TSLA", "Tesla"},        {"NVDA", "Nvidia"},        {"AMD", "AMD"},
      {"INTC", "Intel"},        {"ORCL", "Oracle"},        {"IBM", "IBM"},
      {"CSCO", "Cisco"},        {"ADBE", "Adobe"},         {"CRM", "Salesforce"},
      {"NFLX", "Netflix"},      {"QCOM", "Qualcomm"},      {"AVGO", "Broadcom"},
      {"TXN", "Texas Instruments"}, {"MU", "Micron"},      {"UBER", "Uber"},
      {"SHOP", "Shopify"},      {"PYPL", "PayPal"},        {"SQ", "Block"},
      {"JPM", "JPMorgan"},      {"BAC", "Bank of America"}, {"WFC", "Wells Fargo"},
      {"GS", "Goldman Sachs"},  {"MS", "Morgan Stanley"},  {"C", "Citigroup"},
      {"V", "Visa"},            {"MA", "Mastercard"},      {"AXP", "American Express"},
      {"BRK.B", "Berkshire Hathaway"}, {"JNJ", "Johnson & Johnson"}, {"PFE", "Pfizer"},
      {"MRK", "Merck"},         {"ABBV", "AbbVie"},        {"LLY", "Eli Lilly"},
      {"UNH", "UnitedHealth"},  {"CVS", "CVS"},            {"WMT", "Walmart"},
      {"COST", "Costco"},       {"HD", "Home Depot"},      {"LOW", "Lowe's"},
      {"TGT", "Target"},        {"NKE", "Nike"},           {"SBUX", "Starbucks"},
      {"MCD", "McDonald's"},    {"KO", "Coca-Cola"},       {"COKE", "Coca-Cola Consolidated"},
      {"PEP", "PepsiCo"},       {"PG", "Procter & Gamble"}, {"DIS", "Disney"},
      {"T", "AT&T"},            {"VZ", "Verizon"},         {"XOM", "Exxon"},
      {"CVX", "Chevron"},       {"BA", "Boeing"},          {"CAT", "Caterpillar"},
      {"GE", "General Electric"}, {"F", "Ford"},           {"GM", "General Motors"},
      {"YHOO", "Yahoo"},        {"SPY", "S&P 500 ETF"},    {"QQQ", "Nasdaq 100 ETF"},
      {"IWM", "Russell 2000 ETF"}, {"DIA", "Dow Jones ETF"}, {"GLD", "Gold ETF"},
      {"TLT", "Treasury Bond ETF"},
      // The Dow 30 members not listed above (ml/market/index_members.cpp).
      {"AMGN", "Amgen"},        {"HON", "Honeywell"},      {"MMM", "3M"},
      {"SHW", "Sherwin-Williams"}, {"TRV", "Travelers"},
  };
  std::sort(u.begin(), u.end(),
            [](const known_symbol& a, const known_symbol& b) { return a.ticker < b.ticker; });
  return u;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const std::vector<known_symbol>& universe() {
  static const std::vector<known_symbol> u = make_universe();
  return u;
}

bool is_known_ticker(const std::string& ticker) {
  const auto& u = universe();
  auto it = std::lower_bound(u.begin(), u.end(), ticker,
                             [](const known_symbol& a, const std::string& t) { return a.ticker < t; });
  return it != u.end() && it->ticker == ticker;
}

namespace {

// Lower-case company names and the short forms people use, to tickers; built
// once (the chat parser asks for every word run of every line).
std::unordered_map<std::string, std::string> make_names() {
  std::unordered_map<std::string, std::string> names;
  for (const auto& s : universe()) names.emplace(lower(s.name), s.ticker);
  static const std::pair<const char*, const char*> aliases[] = {
      {"google", "GOOGL"}, {"alphabet", "GOOGL"}, {"facebook", "META"}, {"jp morgan", "JPM"},
      {"berkshire", "BRK.B"}, {"coca cola", "KO"}, {"coke", "KO"}, {"pepsi", "PEP"},
      {"exxon mobil", "XOM"}, {"exxonmobil", "XOM"}, {"walt disney", "DIS"}, {"s&p 500", "SPY"},
      {"s&p", "SPY"}, {"nasdaq", "QQQ"}, {"lilly", "LLY"}, {"micron technology", "MU"},
      {"bofa", "BAC"}, {"goldman", "GS"}, {"amex", "AXP"}, {"mcdonalds", "MCD"}, {"lowes", "LOW"},
  };
  for (const auto& [alias, ticker] : aliases) names.emplace(alias, ticker);  // a full name wins
  return names;
}

}  // namespace

std::optional<std::string> ticker_for_name(const std::string& name) {
  static const auto names = make_names();
  auto it = names.find(lower(name));
  if (it == names.end()) return std::nullopt;
  return it->second;
}

bool looks_like_ticker(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isupper(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 5) return false;
  if (i == text.size()) return true;
  if ((text[i] == '.' || text[i] == '-') && i + 2 == text.size() &&
      std::isupper(static_cast<unsigned char>(text[i + 1])))
    return true;
  return false;
}

}  // namespace mlt::ml
