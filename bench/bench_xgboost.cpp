// XGBoost training time on 10 years of daily bars (the last 2520 bars of
// SPY_daily.csv, or a seeded random walk if absent) with the default
// parameters, default features and the default 70/15/15 split. Checks first
// that the same pipeline finds a planted signal and is bit-reproducible.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_line.hpp"
#include "ml/eval/dataset.hpp"
#include "ml/eval/metrics.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/models/xgboost_model.hpp"

namespace {

mlt::ml::bar_series load_bars(std::string& origin) {
  const std::string path = std::string(MLT_TEST_DATA_DIR) + "/SPY_daily.csv";
  mlt::ml::bar_series s;
  try {
    s = mlt::ml::parse_csv(mlt::ml::read_text_file(path), path);
    origin = "SPY_daily.csv (last 2520 bars)";
  } catch (const std::exception&) {
    origin = "synthetic random walk";
    std::mt19937_64 rng(1);
    std::normal_distribution<double> z(0, 0.01);
    double c = 100;
    for (int i = 0; i < 2520; ++i) {
      const double o = c;
      c *= std::exp(z(rng));
      s.bars.push_back({946857600 + 86400LL * i, o, std::max(o, c) * 1.002, std::min(o, c) * 0.998, c, 1e6});
    }
  }
  if (s.bars.size() > 2520) s.bars.erase(s.bars.begin(), s.bars.end() - 2520);
  return s;
}

struct run {
  double seconds;
  int rounds;
  Eigen::VectorXd p;
};

run train(const mlt::ml::fit_data& d, const Eigen::MatrixXd& x_test) {
  mlt::ml::xgboost_model m;
  const auto a = std::chrono::steady_clock::now();
  m.start(d, {}, 42);
  for (mlt::ml::fit_step s; !s.done;) s = m.step();
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
  return {sec, m.rounds(), m.predict_proba(x_test)};
}

}  // namespace

int main() {
  // Answer check: a planted linear signal must be found.
  {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> z(0, 1);
    mlt::ml::fit_data d;
    d.x_train.resize(1500, 8);
    d.y_train.resize(1500);
    d.x_val.resize(500, 8);
    d.y_val.resize(500);
    for (int i = 0; i < 2000; ++i) {
      auto& x = i < 1500 ? d.x_train : d.x_val;
      auto& y = i < 1500 ? d.y_train : d.y_val;
      const int r = i < 1500 ? i : i - 1500;
      for (int j = 0; j < 8; ++j) x(r, j) = z(rng);
      y[r] = x(r, 0) - 0.7 * x(r, 1) + 0.5 * z(rng) > 0 ? 1 : 0;
    }
    const auto r = train(d, d.x_val);
    const double acc = mlt::ml::evaluate_classification(d.y_val, r.p).accuracy;
    if (!(acc > 0.75)) {
      std::fprintf(stderr, "bench_xgboost: planted-signal check failed (accuracy %.3f)\n", acc);
      return 1;
    }
  }
  std::string origin;
  const auto s = load_bars(origin);
  const auto splits = mlt::ml::make_splits(s, mlt::ml::build_default_features(s), {});
  const mlt::ml::fit_data d{splits.train.x, splits.train.y, splits.val.x, splits.val.y};
  std::vector<run> runs;
  for (int i = 0; i < 5; ++i) runs.push_back(train(d, splits.test.x));
  for (const auto& r : runs)
    if (r.p != runs.front().p) {
      std::fprintf(stderr, "bench_xgboost: predictions differ between runs with the same seed\n");
      return 1;
    }
  std::vector<double> t;
  for (const auto& r : runs) t.push_back(r.seconds);
  std::sort(t.begin(), t.end());
  const auto m = mlt::ml::evaluate_classification(splits.test.y, runs.front().p);
  mlt::bench::print_line("{\"name\":\"xgboost_train_10y_daily\",\"value\":%.4f,\"unit\":\"s\",\"bars\":%zu,\"train_rows\":%ld,"
                         "\"features\":%ld,\"rounds\":%d,\"max_rounds\":400,\"test_accuracy\":%.4f,\"test_rows\":%ld,"
                         "\"data\":\"%s\"}\n",
                         t[t.size() / 2], s.bars.size(), static_cast<long>(splits.train.rows()),
                         static_cast<long>(splits.train.x.cols()), runs.front().rounds, m.accuracy,
                         static_cast<long>(splits.test.rows()), origin.c_str());
  // Fixed work: all 400 rounds, no early stopping.
  {
    mlt::ml::xgboost_model x;
    const auto a = std::chrono::steady_clock::now();
    x.start(d, {{"early_stopping", 0}}, 42);
    for (mlt::ml::fit_step st; !st.done;) st = x.step();
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    mlt::bench::print_line("{\"name\":\"xgboost_train_10y_daily_400_rounds\",\"value\":%.4f,\"unit\":\"s\",\"rounds\":%d}\n", sec,
                           x.rounds());
  }
  return 0;
}
