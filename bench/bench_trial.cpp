// Two figures of a trial (issue 3, issue 16), one JSON line each:
// - an end-to-end trial through the real daemon: 10 years of daily bars,
//   XGBoost, the rules brain and paper trading, timed from the approval to
//   the report frame. Uses SPY_daily.csv (2010-08-30 .. 2020-08-28) from the
//   shared data when present, else the built-in synthetic market (10 years);
// - the optimise decision of an LSTM trial, in turn vs on the fit workers
//   (bench_trial_speedup.cpp);
// - a whole LSTM trial with an optimise decision (budget 12) through the
//   daemon, started with --parallel-fits 1 and then with the cores: the two
//   reports must agree before the times count.
//
// Usage: bench_trial [trial | speedup [budget] [workers] | lstm]   (all three
// by default; budget 12, workers the cores)
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>
#include <algorithm>

#include "bench/bench_line.hpp"
#include "bench/bench_trial_speedup.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

namespace fs = std::filesystem;

namespace {

// Ten years of daily bars: SPY from the shared data when present, else the
// built-in synthetic market; the chat request for `model` (and `extra` words).
struct bench_data {
  std::string dir, request, source;
};

bench_data ten_years(const std::string& name, const std::string& model, const std::string& extra = "") {
  bench_data d{mlt::test::fresh_dir(name), "Run trial on TSLA with " + model + extra, "synthetic (10 years)"};
  const fs::path spy = fs::path(MLT_TEST_DATA_DIR) / "SPY_daily.csv";
  if (fs::exists(spy)) {
    fs::copy_file(spy, fs::path(d.dir) / "SPY.csv");
    d.request = "Run trial on SPY with " + model + " from 2010-08-30 to 2020-08-28" + extra;
    d.source = "SPY_daily.csv 2010-08-30..2020-08-28";
  }
  return d;
}

// Chats `request` to the daemon on `port` and approves it; `read` sees the
// report frame. Answers the seconds from the approval to the report.
double timed_trial(std::uint16_t port, const std::string& request, std::chrono::seconds limit,
                   const std::function<void(const mlt::test::frame&)>& read) {
  mlt::net::ws_client c;
  c.connect("127.0.0.1", port);
  mlt::test::frame_reader r(c);
  r.next();
  c.send(std::string(R"({"type":"chat","text":")") + request + "\"}");
  auto p = r.until("proposal");
  const auto start = std::chrono::steady_clock::now();
  c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<long long>(p.num("proposal_id"))) + "}");
  auto report = r.until("report", limit);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  read(report);
  return s;
}

int end_to_end() {
  const auto state = mlt::test::fresh_dir("bench-trial-state");
  const auto data = ten_years("bench-trial-data", "xgboost");
  const int runs = 5;
  std::vector<double> seconds;
  mlt::test::daemon_process d(state, {"--data-dir", data.dir});
  for (int i = 0; i < runs; ++i) {
    bool plausible = false;
    const double s = timed_trial(d.port(), data.request, std::chrono::seconds(600), [&](const mlt::test::frame& report) {
      // The answer first: a real report with test metrics and paper results.
      mlt::test::frame test{report.raw, report.doc["metrics"]["test"]};
      const double acc = test.num("accuracy");
      plausible = test.num("n") > 100 && acc >= 0 && acc <= 1;
      if (!plausible) std::fprintf(stderr, "bench_trial: implausible report: %s\n", report.raw.c_str());
    });
    if (!plausible) return 1;
    if (i > 0) seconds.push_back(s);  // the first run warms caches
  }
  double best = seconds.front(), sum = 0;
  for (double s : seconds) {
    best = std::min(best, s);
    sum += s;
  }
  // "kernel" is this process's choice: mltrainerd runs the same selection on
  // the same CPU and names it in its start line.
  mlt::bench::print_line("{\"name\":\"trial_end_to_end_xgboost_10y_daily\",\"value\":%.4f,\"unit\":\"s\",\"stat\":\"mean\","
                         "\"runs\":%zu,\"best\":%.4f,\"data\":\"%s\"}\n",
                         sum / seconds.size(), seconds.size(), best, data.source.c_str());
  std::fflush(stdout);
  d.stop();
  return 0;
}

// The report frame's numbers that must not depend on how many fits ran at once.
std::string report_numbers(const mlt::test::frame& report) {
  mlt::test::frame test{report.raw, report.doc["metrics"]["test"]};
  char buf[160];
  std::snprintf(buf, sizeof buf, "test n %.0f accuracy %.17g roc_auc %.17g log_loss %.17g", test.num("n"),
                test.num("accuracy"), test.num("roc_auc"), test.num("log_loss"));
  return std::string(buf) + "; optimiser: " + report.str("optimizer");
}

// One LSTM trial with the optimise decision, approval to report, on a daemon
// with `workers` fit workers; its report's numbers in `numbers`.
double lstm_trial_seconds(int workers, std::string& numbers, std::string& source) {
  const auto state = mlt::test::fresh_dir("bench-trial-lstm-state");
  const auto data = ten_years("bench-trial-lstm-data", "lstm", " and optimize");
  source = data.source;
  mlt::test::daemon_process d(state, {"--data-dir", data.dir, "--parallel-fits", std::to_string(workers)});
  const double s = timed_trial(d.port(), data.request, std::chrono::seconds(1800),
                               [&](const mlt::test::frame& report) { numbers = report_numbers(report); });
  d.stop();
  return s;
}

int lstm_trial_speedup() {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string one, many, source;
  double in_turn = 0, at_once = 0;
  try {
    in_turn = lstm_trial_seconds(1, one, source);
    at_once = lstm_trial_seconds(cores, many, source);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_trial: the LSTM trial did not report: %s\n", e.what());
    return 1;
  }
  if (one != many || one.find("optimiser: ") == std::string::npos || one.size() <= std::string("optimiser: ").size() + 40) {
    std::fprintf(stderr, "bench_trial: the LSTM trial's reports differ or lack the optimiser:\n  1 worker: %s\n  %d: %s\n",
                 one.c_str(), cores, many.c_str());
    return 1;
  }
  mlt::bench::print_line("{\"name\":\"trial_end_to_end_lstm_optimise_10y_daily\",\"value\":%.3f,\"unit\":\"x\","
                         "\"stat\":\"speedup\",\"in_turn_s\":%.2f,\"parallel_s\":%.2f,\"workers\":%d,\"data\":\"%s\"}\n",
                         in_turn / at_once, in_turn, at_once, cores, source.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string part = argc > 1 ? argv[1] : "";
  if (!part.empty() && part != "trial" && part != "speedup" && part != "lstm") {
    std::fprintf(stderr, "usage: bench_trial [trial | speedup [budget] [workers] | lstm]\n");
    return 2;
  }
  if (part.empty() || part == "trial") {
    if (const int rc = end_to_end(); rc != 0 || part == "trial") return rc;
  }
  if (part.empty() || part == "speedup") {
    const int rc = mlt::bench::optimise_speedup(argc > 2 ? std::atoi(argv[2]) : 12, argc > 3 ? std::atoi(argv[3]) : 0);
    if (rc != 0 || part == "speedup") return rc;
  }
  return lstm_trial_speedup();
}
