#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "config/flag_help.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/sim/engine.hpp"
#include "messages/json_writer.hpp"
#include "ml/sim/stats.hpp"
#include "ml/sim/strategies.hpp"

namespace mlt::app {

namespace {

namespace sim = ml::sim;

void backtest_usage(std::ostream& out) {
  out << "usage: mltrainer backtest --csv FILE --strategy sma_cross|buy_hold [options]\n"
      << config::format_flags({
             {"--csv FILE", "price bars, date,open,high,low,close,volume", "required"},
             {"--strategy NAME", "sma_cross or buy_hold", "required"},
             {"--fast N", "short SMA period for sma_cross (1 <= N < M; N = 1 is the close)", "required by sma_cross"},
             {"--slow M", "long SMA period for sma_cross", "required by sma_cross"},
             {"--allow-short", "a down-cross goes short instead of flat", "off"},
             {"--size SPEC", "shares per entry: all (of equity), units:N, fraction:F or vol:T[,lookback:L] "
                             "(annualised volatility T from L bars of returns, L default 20)", "all"},
             {"--fractional", "allow fractional shares", "off: whole shares"},
             {"--commission SPEC", "per fill: bps:X, per_share:X[,min:Y] or fixed:X", "none"},
             {"--slippage-bps X", "adverse slippage on market and stop fills, in basis points", "0"},
             {"--slippage-range F", "adverse slippage as a fraction of the fill bar's range", "0"},
             {"--stop-loss F", "bracket every entry: exit when the price moves this fraction against the entry fill", "none"},
             {"--take-profit F", "bracket every entry: exit when the price moves this fraction in its favour", "none"},
             {"--leverage L", "cap on entry notional / equity", "1: none"},
             {"--cash C", "starting cash", "100000"},
             {"--trials N", "configurations tried, for the deflated Sharpe", "1"},
             {"--json", "print {\"stats\",\"buy_hold\",\"trades\",\"equity\"} as JSON", "off"},
             {"--help", "this text", "-"},
         })
      << "Signals form at a bar's close and fill at the next bar's open. An open position\n"
         "at the end is marked to the last close and listed as open. Returns and drawdowns\n"
         "are fractions. Formulas: see ml/sim/stats.hpp.\n";
}

int usage_error(const std::string& what) {
  std::cerr << "mltrainer backtest: " << what << "\n";
  backtest_usage(std::cerr);
  return 2;
}

// Strict number parsing: the whole text must be a finite number.
bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out);
}

bool parse_int(const std::string& text, int& out) {
  double d = 0;
  if (!parse_number(text, d) || d != std::floor(d) || std::abs(d) > 1e9) return false;
  out = static_cast<int>(d);
  return true;
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// "bps:X", "per_share:X[,min:Y]" or "fixed:X"; error text or empty.
std::string parse_commission(const std::string& v, sim::commission_model& m) {
  const std::string bad = "--commission '" + v + "': expected bps:X, per_share:X[,min:Y] or fixed:X";
  double x = 0;
  if (starts_with(v, "bps:")) {
    if (!parse_number(v.substr(4), x) || x < 0) return bad + " with X >= 0";
    m = {sim::commission_model::kind::bps, x, 0};
    return {};
  }
  if (starts_with(v, "fixed:")) {
    if (!parse_number(v.substr(6), x) || x < 0) return bad + " with X >= 0";
    m = {sim::commission_model::kind::fixed, x, 0};
    return {};
  }
  if (starts_with(v, "per_share:")) {
    std::string rest = v.substr(10);
    double minimum = 0;
    const auto comma = rest.find(',');
    if (comma != std::string::npos) {
      const std::string tail = rest.substr(comma + 1);
      if (!starts_with(tail, "min:") || !parse_number(tail.substr(4), minimum) || minimum < 0)
        return bad + " (the minimum is written ,min:Y with Y >= 0)";
      rest = rest.substr(0, comma);
    }
    if (!parse_number(rest, x) || x < 0) return bad + " with X >= 0";
    m = {sim::commission_model::kind::per_share, x, minimum};
    return {};
  }
  return bad;
}

// "all", "units:N", "fraction:F" or "vol:T[,lookback:L]"; error text or empty.
std::string parse_size(const std::string& v, sim::sizing_rule& s) {
  const std::string bad =
      "--size '" + v + "': expected all, units:N, fraction:F or vol:T[,lookback:L]";
  double x = 0;
  if (v == "all") {
    s.type = sim::sizing_rule::kind::all;
    return {};
  }
  if (starts_with(v, "units:")) {
    if (!parse_number(v.substr(6), x) || x <= 0) return bad + " with N > 0";
    s.type = sim::sizing_rule::kind::units;
    s.value = x;
    return {};
  }
  if (starts_with(v, "fraction:")) {
    if (!parse_number(v.substr(9), x) || x <= 0) return bad + " with F > 0";
    s.type = sim::sizing_rule::kind::fraction;
    s.value = x;
    return {};
  }
  if (starts_with(v, "vol:")) {
    std::string rest = v.substr(4);
    const auto comma = rest.find(',');
    if (comma != std::string::npos) {
      const std::string tail = rest.substr(comma + 1);
      int lookback = 0;
      if (!starts_with(tail, "lookback:") || !parse_int(tail.substr(9), lookback) || lookback < 2)
        return bad + " (the lookback is written ,lookback:L with L >= 2)";
      s.vol_lookback = lookback;
      rest = rest.substr(0, comma);
    }
    if (!parse_number(rest, x) || x <= 0) return bad + " with T > 0 (e.g. 0.15)";
    s.type = sim::sizing_rule::kind::vol_target;
    s.value = x;
    return {};
  }
  return bad;
}

std::string date_of(std::int64_t t, bool intraday) {
  return intraday ? ml::format_datetime(t) : ml::format_date(t);
}

void write_stats(msg::json_writer& j, const sim::performance& p, const std::string& start,
                 const std::string& end) {
  j.begin_object()
      .key("start").value(start)
      .key("end").value(end)
      .key("bars").value(p.bars)
      .key("start_equity").value(p.start_equity)
      .key("final_equity").value(p.final_equity)
      .key("total_return").value(p.total_return)
      .key("cagr").value(p.cagr)
      .key("volatility").value(p.volatility)
      .key("sharpe").value(p.sharpe)
      .key("sortino").value(p.sortino)
      .key("calmar").value(p.calmar)
      .key("max_drawdown").value(p.max_drawdown)
      .key("max_drawdown_duration_bars").value(p.max_drawdown_duration_bars)
      .key("max_drawdown_duration_days").value(p.max_drawdown_duration_days)
      .key("avg_drawdown").value(p.avg_drawdown)
      .key("trades").value(p.trades)
      .key("open_trades").value(p.open_trades)
      .key("win_rate").value(p.win_rate)
      .key("profit_factor").value(p.profit_factor)
      .key("expectancy").value(p.expectancy)
      .key("avg_trade").value(p.avg_trade)
      .key("best_trade").value(p.best_trade)
      .key("worst_trade").value(p.worst_trade)
      .key("exposure").value(p.exposure)
      .key("turnover").value(p.turnover)
      .key("fees").value(p.fees)
      .key("slippage").value(p.slippage)
      .key("sqn").value(p.sqn)
      .key("psr").value(p.psr)
      .key("dsr").value(p.dsr)
      .key("trials").value(p.trials)
      .key("periods_per_year").value(p.periods_per_year)
      .key("years").value(p.years)
      .key("skewness").value(p.skewness)
      .key("kurtosis").value(p.kurtosis)
      .end_object();
}

const char* reason_name(sim::fill_reason r) {
  switch (r) {
    case sim::fill_reason::order: return "signal";
    case sim::fill_reason::stop_loss: return "stop_loss";
    case sim::fill_reason::take_profit: return "take_profit";
  }
  return "signal";
}

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return std::isinf(v) ? (v > 0 ? "inf" : "-inf") : "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void print_table(const ml::bar_series& series, const std::string& title,
                 const sim::performance& p, const sim::performance& h,
                 const std::vector<sim::trade>& trades, bool intraday) {
  std::printf("%s on %s: %zu bars, %s .. %s\n\n", title.c_str(), series.origin.c_str(),
              series.bars.size(), date_of(series.bars.front().time, intraday).c_str(),
              date_of(series.bars.back().time, intraday).c_str());
  struct row {
    const char* name;
    const char* f;
    double scale;
    double a, b;
  };
  const row rows[] = {
      {"Final equity", "%.2f", 1, p.final_equity, h.final_equity},
      {"Total return %", "%.2f", 100, p.total_return, h.total_return},
      {"CAGR %", "%.2f", 100, p.cagr, h.cagr},
      {"Volatility (ann.) %", "%.2f", 100, p.volatility, h.volatility},
      {"Sharpe", "%.3f", 1, p.sharpe, h.sharpe},
      {"Sortino", "%.3f", 1, p.sortino, h.sortino},
      {"Calmar", "%.3f", 1, p.calmar, h.calmar},
      {"Max drawdown %", "%.2f", 100, p.max_drawdown, h.max_drawdown},
      {"Max drawdown days", "%.0f", 1, p.max_drawdown_duration_days, h.max_drawdown_duration_days},
      {"Avg drawdown %", "%.2f", 100, p.avg_drawdown, h.avg_drawdown},
      {"Trades", "%.0f", 1, double(p.trades), double(h.trades)},
      {"Win rate %", "%.2f", 100, p.win_rate, h.win_rate},
      {"Profit factor", "%.3f", 1, p.profit_factor, h.profit_factor},
      {"Expectancy", "%.2f", 1, p.expectancy, h.expectancy},
      {"Avg trade %", "%.2f", 100, p.avg_trade, h.avg_trade},
      {"Best trade %", "%.2f", 100, p.best_trade, h.best_trade},
      {"Worst trade %", "%.2f", 100, p.worst_trade, h.worst_trade},
      {"Exposure %", "%.2f", 100, p.exposure, h.exposure},
      {"Turnover", "%.2f", 1, p.turnover, h.turnover},
      {"Fees", "%.2f", 1, p.fees, h.fees},
      {"Slippage", "%.2f", 1, p.slippage, h.slippage},
      {"SQN", "%.3f", 1, p.sqn, h.sqn},
      {"PSR (SR > 0)", "%.4f", 1, p.psr, h.psr},
      {"Deflated Sharpe", "%.4f", 1, p.dsr, h.dsr},
  };
  std::printf("%-22s %16s %16s\n", "", "strategy", "buy & hold");
  for (const row& r : rows)
    std::printf("%-22s %16s %16s\n", r.name, fmt(r.f, r.a * r.scale).c_str(),
                fmt(r.f, r.b * r.scale).c_str());
  std::printf("(deflated Sharpe assumes %d configuration(s) tried)\n\n", p.trials);

  std::printf("%-5s %-6s %10s %-19s %12s %-19s %12s %14s %9s  %s\n", "#", "side", "size",
              "entry", "price", "exit", "price", "pnl", "return %", "exit");
  int n = 0;
  for (const sim::trade& t : trades) {
    std::printf("%-5d %-6s %10s %-19s %12s %-19s %12s %14s %9s  %s\n", ++n,
                t.direction > 0 ? "long" : "short", fmt("%.6g", t.size).c_str(),
                date_of(t.entry_time, intraday).c_str(), fmt("%.4f", t.entry_price).c_str(),
                t.open ? "(open)" : date_of(t.exit_time, intraday).c_str(),
                fmt("%.4f", t.mark_price).c_str(), fmt("%.2f", t.pnl).c_str(),
                fmt("%.2f", t.ret * 100).c_str(),
                t.open ? "marked to last close" : reason_name(t.exit_reason));
  }
  if (trades.empty()) std::printf("(no trades)\n");
}

// What the command line asked for.
struct backtest_args {
  std::string csv, strategy_name;
  int fast = 0, slow = 0, trials = 1;
  bool json = false, fast_given = false, slow_given = false;
  double stop_loss = 0, take_profit = 0;
  sim::engine_config cfg;
};

// An option written last or followed by another option: its value is missing.
std::string missing_value_error(const std::string& arg) {
  if (arg.rfind("--", 0) != 0) return "unexpected argument '" + arg + "'";
  const char* known[] = {"--csv", "--strategy", "--fast", "--slow", "--size", "--commission",
                         "--slippage-bps", "--slippage-range", "--stop-loss", "--take-profit",
                         "--leverage", "--cash", "--trials"};
  for (const char* k : known)
    if (arg == k) return arg + " needs a value";
  return "unknown option '" + arg + "'";
}

// One option with its value; error text or empty.
std::string apply_option(const std::string& arg, const std::string& v, backtest_args& a) {
  sim::engine_config& cfg = a.cfg;
  double x = 0;
  std::string err;
  if (arg == "--csv") {
    a.csv = v;
  } else if (arg == "--strategy") {
    a.strategy_name = v;
  } else if (arg == "--fast") {
    if (!parse_int(v, a.fast) || a.fast < 1) return "--fast '" + v + "': expected an integer >= 1";
    a.fast_given = true;
  } else if (arg == "--slow") {
    if (!parse_int(v, a.slow) || a.slow < 2) return "--slow '" + v + "': expected an integer >= 2";
    a.slow_given = true;
  } else if (arg == "--size") {
    err = parse_size(v, cfg.sizing);
  } else if (arg == "--commission") {
    err = parse_commission(v, cfg.commission);
  } else if (arg == "--slippage-bps") {
    if (!parse_number(v, x) || x < 0) err = "--slippage-bps '" + v + "': expected a number >= 0";
    cfg.slippage.bps = x;
  } else if (arg == "--slippage-range") {
    if (!parse_number(v, x) || x < 0 || x > 1)
      err = "--slippage-range '" + v + "': expected a fraction in [0, 1]";
    cfg.slippage.range_fraction = x;
  } else if (arg == "--stop-loss") {
    if (!parse_number(v, x) || x <= 0 || x >= 1)
      err = "--stop-loss '" + v + "': expected a fraction in (0, 1), e.g. 0.05";
    a.stop_loss = x;
  } else if (arg == "--take-profit") {
    if (!parse_number(v, x) || x <= 0) err = "--take-profit '" + v + "': expected a fraction > 0, e.g. 0.1";
    a.take_profit = x;
  } else if (arg == "--leverage") {
    if (!parse_number(v, x) || x <= 0) err = "--leverage '" + v + "': expected a number > 0";
    cfg.leverage = x;
  } else if (arg == "--cash") {
    if (!parse_number(v, x) || x <= 0) err = "--cash '" + v + "': expected a number > 0";
    cfg.cash = x;
  } else if (arg == "--trials") {
    if (!parse_int(v, a.trials) || a.trials < 1) err = "--trials '" + v + "': expected an integer >= 1";
  } else {
    return "unknown option '" + arg + "'";
  }
  return err;
}

// Reads the command line into `a`; the exit code when the command ends here
// (--help, or a usage error already printed).
std::optional<int> read_args(int argc, char** argv, backtest_args& a) {
  a.cfg.cash = 100000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      backtest_usage(std::cout);
      return 0;
    }
    if (arg == "--json") { a.json = true; continue; }
    if (arg == "--allow-short") { a.cfg.allow_short = true; continue; }
    if (arg == "--fractional") { a.cfg.fractional = true; continue; }
    if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)
      return usage_error(missing_value_error(arg));
    const std::string err = apply_option(arg, argv[++i], a);
    if (!err.empty()) return usage_error(err);
  }
  return std::nullopt;
}

// The options that must go together; error text or empty.
std::string check_args(const backtest_args& a) {
  if (a.csv.empty()) return "--csv FILE is required";
  if (a.strategy_name.empty()) return "--strategy sma_cross|buy_hold is required";
  if (a.strategy_name != "sma_cross" && a.strategy_name != "buy_hold")
    return "unknown strategy '" + a.strategy_name + "' (expected sma_cross or buy_hold)";
  if (a.strategy_name == "sma_cross") {
    if (!a.fast_given || !a.slow_given) return "sma_cross needs --fast N and --slow M";
    if (a.fast >= a.slow)
      return "--fast " + std::to_string(a.fast) + " must be below --slow " + std::to_string(a.slow);
  } else if (a.fast_given || a.slow_given) {
    return "--fast/--slow apply to --strategy sma_cross only";
  }
  if (a.strategy_name == "buy_hold" && a.cfg.allow_short)
    return "--allow-short has no effect on buy_hold; leave it out";
  return {};
}

// The bars of --csv, or false after printing why there are none to test on.
bool load_series(const backtest_args& a, ml::bar_series& series) {
  try {
    series = ml::parse_csv(ml::read_text_file(a.csv), a.csv);
  } catch (const std::exception& e) {
    std::cerr << "mltrainer backtest: " << e.what() << "\n";
    return false;
  }
  if (series.bars.size() < 2) {
    std::cerr << "mltrainer backtest: " << a.csv << " has " << series.bars.size()
              << " bar(s); at least 2 are needed\n";
    return false;
  }
  if (a.strategy_name == "sma_cross" && static_cast<std::size_t>(a.slow) + 1 > series.bars.size())
    std::cerr << "mltrainer backtest: note: --slow " << a.slow << " needs more than the "
              << series.bars.size() << " bars of " << a.csv << "; there will be no trades\n";
  return true;
}

std::unique_ptr<sim::strategy> make_strategy(const backtest_args& a) {
  const sim::bracket exits{a.stop_loss, a.take_profit};
  if (a.strategy_name == "sma_cross")
    return std::make_unique<sim::sma_cross_strategy>(a.fast, a.slow, a.cfg.allow_short, exits);
  return std::make_unique<sim::buy_hold_strategy>();
}

std::string title_of(const backtest_args& a) {
  return a.strategy_name == "sma_cross"
             ? "SMA cross " + std::to_string(a.fast) + "/" + std::to_string(a.slow) +
                   (a.cfg.allow_short ? " long-short" : " long-flat")
             : std::string("Buy and hold");
}

void write_trade(msg::json_writer& j, const sim::trade& t, bool intraday) {
  j.begin_object()
      .key("side").value(t.direction > 0 ? "long" : "short")
      .key("size").value(t.size)
      .key("entry_date").value(date_of(t.entry_time, intraday))
      .key("entry_price").value(t.entry_price)
      .key("exit_date");
  if (t.open) j.null(); else j.value(date_of(t.exit_time, intraday));
  j.key("exit_price");
  if (t.open) j.null(); else j.value(t.exit_price);
  j.key("mark_price").value(t.mark_price)
      .key("pnl").value(t.pnl)
      .key("return").value(t.ret)
      .key("commission").value(t.commission)
      .key("bars_held").value(t.bars_held)
      .key("open").value(t.open)
      .key("exit_reason");
  if (t.open) j.null(); else j.value(reason_name(t.exit_reason));
  j.end_object();
}

void print_json(const sim::performance& p, const sim::performance& h,
                const std::vector<sim::trade>& trades, const std::vector<sim::equity_sample>& eq,
                const std::string& start, const std::string& end, bool intraday) {
  msg::json_writer j(msg::double_style::digits_17);
  j.begin_object().key("stats");
  write_stats(j, p, start, end);
  j.key("buy_hold");
  write_stats(j, h, start, end);
  j.key("trades").begin_array();
  for (const sim::trade& t : trades) write_trade(j, t, intraday);
  j.end_array().key("equity").begin_array();
  const std::vector<double> dd = sim::drawdown_series(eq);
  for (std::size_t i = 0; i < eq.size(); ++i)
    j.begin_object()
        .key("date").value(date_of(eq[i].time, intraday))
        .key("equity").value(eq[i].equity)
        .key("drawdown").value(dd[i])
        .key("position").value(eq[i].position)
        .end_object();
  j.end_array().end_object();
  std::fputs(j.str().c_str(), stdout);
  std::fputs("\n", stdout);
}

}  // namespace

int run_backtest(int argc, char** argv) {
  backtest_args a;
  if (const auto exit_code = read_args(argc, argv, a)) return *exit_code;
  if (const std::string err = check_args(a); !err.empty()) return usage_error(err);

  ml::bar_series series;
  if (!load_series(a, series)) return 1;
  sim::engine_config& cfg = a.cfg;
  const double ppy = sim::periods_per_year_for(series.timespan);
  if (ppy > 0) cfg.sizing.periods_per_year = ppy;

  const std::unique_ptr<sim::strategy> strat = make_strategy(a);
  const std::size_t last = series.bars.size() - 1;
  sim::engine run_engine(cfg);
  sim::run(run_engine, *strat, series.bars, 0, last);

  sim::engine_config hold_cfg = cfg;
  hold_cfg.allow_short = false;
  sim::engine hold_engine(hold_cfg);
  sim::buy_hold_strategy hold;
  sim::run(hold_engine, hold, series.bars, 0, last);

  const sim::performance p = sim::compute_performance(run_engine, series.timespan, a.trials);
  const sim::performance h = sim::compute_performance(hold_engine, series.timespan, 1);
  const std::vector<sim::trade> trades = run_engine.trades_with_open();
  bool intraday = false;
  for (const auto& b : series.bars) intraday = intraday || b.time % 86400 != 0;

  if (!a.json) {
    print_table(series, title_of(a), p, h, trades, intraday);
    return 0;
  }
  print_json(p, h, trades, run_engine.state().equity, date_of(series.bars.front().time, intraday),
             date_of(series.bars.back().time, intraday), intraday);
  return 0;
}

}  // namespace mlt::app
