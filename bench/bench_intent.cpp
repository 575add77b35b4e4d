// The rules brain's chat parser: lines per second of thread CPU time over a
// fixed mix of requests, edits and short answers, each checked against what
// it must read. Every chat line a person or a load test sends passes here.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "actors/brain/intent.hpp"
#include "bench/bench_line.hpp"

namespace {

using mlt::brain::intent;

// Thread CPU time: on a shared machine wall time also counts other processes.
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct sample {
  const char* line;
  bool has_proposal;
  intent::kind_t kind;
  bool (*check)(const intent&);
};

const std::vector<sample>& samples() {
  static const std::vector<sample> s = {
      {"Run trial on TSLA with lstm over the last five years, train on 70%, horizon 5 days, seed 42", false,
       intent::run_trial,
       [](const intent& i) {
         return i.changes.symbol == std::string("TSLA") && i.changes.model == std::string("lstm") &&
                i.changes.horizon == 5 && i.changes.seed == 42u && i.changes.train_ratio == 0.7;
       }},
      {"compare models on AAPL and NVDA from March 2020 to June 2023 with 4 walk-forward folds", false,
       intent::compare_models,
       [](const intent& i) { return i.changes.start == std::string("2020-03-01") && i.changes.end == std::string("2023-06-30") &&
                                i.changes.wf_folds == 4; }},
      {"use xgboost and a week ahead", true, intent::edit,
       [](const intent& i) { return i.changes.model == std::string("xgboost") && i.changes.horizon == 5; }},
      {"approve", true, intent::approve, [](const intent&) { return true; }},
      {"show trial 12", false, intent::show, [](const intent& i) { return i.trial_id == 12; }},
      {"analyze Apple with the transformer on synthetic data", false, intent::run_trial,
       [](const intent& i) {
         return i.changes.symbol == std::string("AAPL") && i.changes.data_source == std::string("synthetic");
       }},
  };
  return s;
}

intent read(const sample& s) {
  return mlt::brain::parse_intent(s.line, s.has_proposal, [](const std::string& t) { return t != "ZZZZ"; });
}

}  // namespace

int main() {
  for (const auto& s : samples()) {
    const auto i = read(s);
    if (i.kind != s.kind || !s.check(i)) {
      std::fprintf(stderr, "bench_intent: misread \"%s\" (kind %s)\n", s.line, mlt::brain::kind_name(i.kind));
      return 1;
    }
  }
  constexpr int rounds = 300;
  std::size_t lines = 0, kinds = 0;
  const double start = cpu_seconds();
  for (int r = 0; r < rounds; ++r)
    for (const auto& s : samples()) {
      kinds += static_cast<std::size_t>(read(s).kind);
      ++lines;
    }
  const double seconds = cpu_seconds() - start;
  if (kinds == 0) return 1;  // keeps the loop's work
  mlt::bench::print_line("{\"name\":\"intent_parse\",\"value\":%.0f,\"unit\":\"lines/s\",\"us_per_line\":%.1f,"
                         "\"lines\":%zu,\"mix\":%zu}\n",
                         static_cast<double>(lines) / seconds, seconds * 1e6 / static_cast<double>(lines), lines,
                         samples().size());
  return 0;
}
