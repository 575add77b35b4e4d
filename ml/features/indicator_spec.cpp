#include "ml/features/indicator_spec.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace mlt::ml {

namespace {

struct ohlcv {
  ind::vec open, high, low, close, volume;
  std::vector<std::int64_t> times;
};

ohlcv columns_of(const bar_series& s) {
  const auto n = static_cast<Eigen::Index>(s.bars.size());
  ohlcv c{ind::vec(n), ind::vec(n), ind::vec(n), ind::vec(n), ind::vec(n), {}};
  for (Eigen::Index i = 0; i < n; ++i) {
    const bar& b = s.bars[static_cast<std::size_t>(i)];
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
    c.times.push_back(b.time);
  }
  return c;
}

std::vector<std::string> split_args(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Arguments as given (their text names the columns) with their values.
struct args {
  std::string spec;
  std::vector<std::string> text;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("indicator '" + spec + "': " + what);
  }
  void expect_count(std::size_t lo, std::size_t hi, const std::string& usage) const {
    if (text.size() < lo || text.size() > hi)
      fail("expected " + usage + " (got " + std::to_string(text.size()) + " argument" +
           (text.size() == 1 ? "" : "s") + ")");
  }
  int window(std::size_t i, const char* what) const {
    const std::string& t = text.at(i);
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || errno != 0 || v < 1 || v > 100000)
      fail(std::string(what) + " '" + t + "' is not a whole number in [1, 100000]");
    return static_cast<int>(v);
  }
  double positive(std::size_t i, const char* what) const {
    const std::string& t = text.at(i);
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0' || !(v > 0) || !std::isfinite(v))
      fail(std::string(what) + " '" + t + "' is not a positive number");
    return v;
  }
  // "20_2" for the column names.
  std::string suffix() const {
    std::string s;
    for (const auto& t : text) s += "_" + t;
    return s;
  }
};

}  // namespace

std::string indicator_help() {
  return "  sma:N            sma_N\n"
         "  ema:N            ema_N (seeded with the SMA of the first N, as TA-Lib)\n"
         "  rsi[:N]          rsi_N (Wilder, default 14)\n"
         "  atr[:N]          atr_N (Wilder, default 14)\n"
         "  macd[:F,S,G]     macd_F_S_G, macd_signal_F_S_G, macd_hist_F_S_G (default 12,26,9)\n"
         "  bbands[:N,K]     bb_mid_N_K, bb_upper_N_K, bb_lower_N_K (population deviation, default 20,2)\n"
         "  bbpctb[:N,K]     bb_pctb_N_K (%B)\n"
         "  bbwidth[:N,K]    bb_width_N_K ((upper-lower)/mid)\n"
         "  stoch[:K,D]      stoch_k_K_D, stoch_d_K_D (default 14,3)\n"
         "  obv              obv\n"
         "  vzscore[:N]      volume_z_N (default 20)\n"
         "  rvol[:N]         rvol_N (sample deviation of N one-bar log returns, default 20)\n"
         "  ret:N            ret_N (close[t]/close[t-N]-1)\n"
         "  logret:N         logret_N\n"
         "  dow              day_of_week (0 = Monday, UTC)\n";
}

std::vector<indicator_column> compute_indicator(const bar_series& series, const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  args a{spec, colon == std::string::npos ? std::vector<std::string>{} : split_args(spec.substr(colon + 1))};
  if (colon != std::string::npos && a.text.empty()) a.fail("no arguments after ':'");
  const auto defaults = [&](std::vector<std::string> d) {
    if (a.text.empty()) a.text = std::move(d);
  };
  const ohlcv c = columns_of(series);

  if (name == "sma" || name == "ema") {
    a.expect_count(1, 1, name + ":N");
    const int n = a.window(0, "window");
    return {{name + a.suffix(), name == "sma" ? ind::sma(c.close, n) : ind::ema(c.close, n)}};
  }
  if (name == "rsi" || name == "atr" || name == "vzscore" || name == "rvol") {
    defaults({name == "rsi" || name == "atr" ? "14" : "20"});
    a.expect_count(1, 1, name + ":N");
    const int n = a.window(0, "window");
    if (name == "rsi") return {{"rsi" + a.suffix(), ind::rsi(c.close, n)}};
    if (name == "atr") return {{"atr" + a.suffix(), ind::atr(c.high, c.low, c.close, n)}};
    if (name == "vzscore") return {{"volume_z" + a.suffix(), ind::volume_zscore(c.volume, n)}};
    if (n < 2) a.fail("window must be at least 2");
    return {{"rvol" + a.suffix(), ind::realized_vol(c.close, n)}};
  }
  if (name == "ret" || name == "logret") {
    a.expect_count(1, 1, name + ":N");
    const int n = a.window(0, "lag");
    return {{name + a.suffix(), name == "ret" ? ind::returns(c.close, n) : ind::log_returns(c.close, n)}};
  }
  if (name == "macd") {
    defaults({"12", "26", "9"});
    a.expect_count(3, 3, "macd:FAST,SLOW,SIGNAL");
    const int f = a.window(0, "fast period"), s = a.window(1, "slow period"), g = a.window(2, "signal period");
    if (f >= s) a.fail("fast period must be below the slow period");
    auto m = ind::macd(c.close, f, s, g);
    const std::string sfx = a.suffix();
    return {{"macd" + sfx, std::move(m.line)},
            {"macd_signal" + sfx, std::move(m.signal)},
            {"macd_hist" + sfx, std::move(m.hist)}};
  }
  if (name == "bbands" || name == "bbpctb" || name == "bbwidth") {
    defaults({"20", "2"});
    a.expect_count(2, 2, name + ":N,K");
    auto b = ind::bbands(c.close, a.window(0, "window"), a.positive(1, "width K"));
    const std::string sfx = a.suffix();
    if (name == "bbpctb") return {{"bb_pctb" + sfx, std::move(b.percent_b)}};
    if (name == "bbwidth") return {{"bb_width" + sfx, std::move(b.width)}};
    return {{"bb_mid" + sfx, std::move(b.mid)}, {"bb_upper" + sfx, std::move(b.upper)},
            {"bb_lower" + sfx, std::move(b.lower)}};
  }
  if (name == "stoch") {
    defaults({"14", "3"});
    a.expect_count(2, 2, "stoch:K,D");
    auto s = ind::stochastic(c.high, c.low, c.close, a.window(0, "%K window"), a.window(1, "%D window"));
    const std::string sfx = a.suffix();
    return {{"stoch_k" + sfx, std::move(s.k)}, {"stoch_d" + sfx, std::move(s.d)}};
  }
  if (name == "obv" || name == "dow") {
    a.expect_count(0, 0, name + " without arguments");
    if (name == "obv") return {{"obv", ind::obv(c.close, c.volume)}};
    return {{"day_of_week", ind::day_of_week(c.times)}};
  }
  throw std::invalid_argument("unknown indicator '" + name + "' in '" + spec +
                              "'; known: sma ema rsi atr macd bbands bbpctb bbwidth stoch obv vzscore rvol ret "
                              "logret dow");
}

}  // namespace mlt::ml
