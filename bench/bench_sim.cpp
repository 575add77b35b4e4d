// Simulator throughput on one core: the longest shared daily file repeated to
// >= 10 M bars, run by (1) an SMA(10, 30) crossover, long-short, and (2) a
// model-signal strategy (deterministic pseudo-probabilities) with stop-loss /
// take-profit brackets, per-share commission with a minimum and slippage.
// Before timing, the engine's SMA crossover on GOOG is checked against
// backtesting.py's published SmaCross figures, and the long runs are checked
// for cash + position * close == equity at the end. Throughput is bars per
// CPU second of this process on one thread.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_line.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/sim/engine.hpp"
#include "ml/sim/stats.hpp"
#include "ml/sim/strategies.hpp"

namespace sim = mlt::ml::sim;
using mlt::ml::bar;

namespace {

// CPU time of this process (user + system), so that other load on a shared
// machine does not count against the simulator; page faults do count.
struct cpu_clock {
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
};

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

double seconds_since(double t) { return cpu_clock::now() - t; }

std::vector<bar> load(const std::string& name) {
  const std::string path = std::string(MLT_TEST_DATA_DIR) + "/" + name;
  return mlt::ml::parse_csv(mlt::ml::read_text_file(path), path).bars;
}

bool close_to(double a, double b, double rel) { return std::abs(a - b) <= rel * std::abs(b); }

// Marked equity must equal the engine's equity; returns false on mismatch.
bool consistent(const sim::engine& e) {
  const auto& s = e.state();
  double cash = e.config().cash, pos = 0;
  for (const auto& f : s.fills) {
    cash -= f.quantity * f.price + f.commission;
    pos += f.quantity;
  }
  return close_to(cash, e.cash(), 1e-9) && pos == e.position() &&
         close_to(cash + pos * s.last_close, e.equity(), 1e-9);
}

}  // namespace

int main() {
  // Reference: backtesting.py's SmaCross on GOOG (cash 10000, no costs, all-in, long-short):
  // Equity Final 51959.95, Max. Drawdown 47.98012705007589 %, 65 closed trades + 1 open.
  {
    const auto goog = load("GOOG_daily.csv");
    sim::engine_config c;
    c.cash = 10000;
    c.allow_short = true;
    sim::engine e(c);
    sim::sma_cross_strategy s(10, 30, true);
    sim::run(e, s, goog, 0, goog.size() - 1);
    const auto p = sim::compute_performance(e, "day");
    if (!close_to(p.final_equity, 51959.95, 1e-12) ||
        !close_to(p.max_drawdown, 0.4798012705007589, 1e-12) || p.trades != 66) {
      std::fprintf(stderr, "bench_sim: reference check failed: final %.10g dd %.10g trades %d\n",
                   p.final_equity, p.max_drawdown, p.trades);
      return 1;
    }
  }

  // The longest daily file, repeated with continuing timestamps.
  const char* files[] = {"SPY_daily.csv", "ORCL_daily.csv", "YHOO_daily.csv", "NVDA_daily.csv",
                         "GOOG_daily.csv"};
  std::vector<bar> base;
  std::string base_name;
  for (const char* f : files) {
    auto b = load(f);
    if (b.size() > base.size()) {
      base = std::move(b);
      base_name = f;
    }
  }
  // Every other copy is time-reversed (open and close swapped) so that prices
  // join without a jump between copies; timestamps keep increasing by a day.
  const std::size_t target = 10'000'000;
  const std::size_t reps = (target + base.size() - 1) / base.size();
  std::vector<bar> bars;
  bars.reserve(reps * base.size());
  std::int64_t t = base.front().time;
  for (std::size_t r = 0; r < reps; ++r)
    for (std::size_t k = 0; k < base.size(); ++k) {
      bar x = r % 2 == 0 ? base[k] : base[base.size() - 1 - k];
      if (r % 2 == 1) std::swap(x.open, x.close);
      x.time = t;
      t += 86400;
      bars.push_back(x);
    }
  const std::size_t n = bars.size();

  // (1) SMA crossover over the whole series as one account, long-short, no
  // costs, fractional shares (so every cross trades), equity curve recorded.
  // "cold": a fresh engine, so the time includes first-touch memory for the
  // 10 M-point equity curve; "warm": the same engine after reset(), memory
  // reused, as in a parameter sweep.
  {
    sim::engine_config c;
    c.cash = 100000;
    c.allow_short = true;
    c.fractional = true;
    sim::engine e(c);
    double final_equity = 0;
    std::size_t fills = 0;
    for (const char* mode : {"cold", "warm"}) {
      e.reset();
      sim::sma_cross_strategy s(10, 30, true);
      const double t0 = cpu_clock::now();
      const long f0 = minor_faults();
      sim::run(e, s, bars, 0, n - 1);
      const double sec = seconds_since(t0);
      if (!consistent(e) || e.state().equity.size() != n ||
          (fills != 0 && (e.state().fills.size() != fills || e.equity() != final_equity))) {
        std::fprintf(stderr, "bench_sim: sma_cross run inconsistent\n");
        return 1;
      }
      fills = e.state().fills.size();
      final_equity = e.equity();
      mlt::bench::print_line("{\"name\":\"sim_sma_cross_%s\",\"value\":%.0f,\"unit\":\"bars/s\","
                             "\"bars\":%zu,\"cpu_seconds\":%.4f,\"page_faults\":%ld,\"fills\":%zu,"
                             "\"final_equity\":%.6g,\"source\":\"%s x %zu, alternate copies reversed\"}\n",
                             mode, n / sec, n, sec, minor_faults() - f0, fills, final_equity,
                             base_name.c_str(), reps);
    }

    const double t1 = cpu_clock::now();
    const auto p = sim::compute_performance(e, "day");
    const double sec_stats = seconds_since(t1);
    mlt::bench::print_line("{\"name\":\"sim_stats\",\"value\":%.0f,\"unit\":\"bars/s\",\"bars\":%zu,"
                           "\"cpu_seconds\":%.4f,\"trades\":%d}\n",
                           n / sec_stats, n, sec_stats, p.trades);
  }

  // (2) Model signal with brackets (2 % stop-loss, 4 % take-profit) and costs
  // (per-share commission with a $1 minimum, 2 bps + 2 % of the bar's range
  // slippage), whole shares, long-short. Pseudo-probabilities have no edge, so
  // one 10 M-bar account would bleed to nothing and stop trading; instead the
  // series is run as consecutive backtests of one base file each, the engine
  // reset (fresh cash, memory reused) between them.
  {
    std::vector<double> prob(n);
    std::uint64_t h = 0x9E3779B97F4A7C15ull;
    auto uniform = [&h] {
      h ^= h << 13;
      h ^= h >> 7;
      h ^= h << 17;
      return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
    };
    for (std::size_t i = 0; i < n; ++i)
      // Keeps the last value 80 % of the time so positions last a few bars, as a model's do.
      prob[i] = i > 0 && uniform() < 0.8 ? prob[i - 1] : 0.3 + 0.4 * uniform();

    sim::engine_config c;
    c.cash = 100000;
    c.allow_short = true;
    c.commission = {sim::commission_model::kind::per_share, 0.005, 1.0};
    c.slippage = {2, 0.02};
    sim::engine e(c);
    const std::size_t len = base.size();
    std::vector<std::size_t> idx(len);
    std::size_t fills = 0, stops = 0, targets = 0;
    bool ok = true;
    const double t0 = cpu_clock::now();
    for (std::size_t r = 0; r < reps; ++r) {
      const std::size_t first = r * len;
      for (std::size_t k = 0; k < len; ++k) idx[k] = first + k;
      e.reset();
      sim::model_signal_strategy s(idx, prob.data() + first, {0.55, 0.45, true, {0.02, 0.04}});
      sim::run(e, s, bars, first, first + len - 1);
      for (const auto& f : e.state().fills) {
        stops += f.reason == sim::fill_reason::stop_loss;
        targets += f.reason == sim::fill_reason::take_profit;
      }
      fills += e.state().fills.size();
      ok = ok && consistent(e);
    }
    const double sec = seconds_since(t0);
    if (!ok || stops == 0 || targets == 0) {
      std::fprintf(stderr, "bench_sim: model-signal runs inconsistent (stops %zu, targets %zu)\n",
                   stops, targets);
      return 1;
    }
    mlt::bench::print_line("{\"name\":\"sim_model_signal_brackets_costs\",\"value\":%.0f,\"unit\":"
                           "\"bars/s\",\"bars\":%zu,\"runs\":%zu,\"cpu_seconds\":%.4f,\"fills\":%zu,"
                           "\"stop_losses\":%zu,\"take_profits\":%zu}\n",
                           n / sec, n, reps, sec, fills, stops, targets);
  }
  return 0;
}
