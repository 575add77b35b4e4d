#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "ml/eval/dataset.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/models/artifact.hpp"
#include "ml/models/model.hpp"

using namespace mlt::ml;

namespace {
bar_series walk(int n, std::uint64_t seed) {
  bar_series s;
  s.symbol = "TEST";
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 0.01);
  double c = 100;
  for (int i = 0; i < n; ++i) {
    const double o = c;
    c *= std::exp(z(rng));
    s.bars.push_back({1262304000 + 86400LL * i, o, std::max(o, c) * 1.003, std::min(o, c) * 0.997, c, 1e6 + i});
  }
  return s;
}
}  // namespace

TEST_CASE("a kept model predicts later bars exactly as it predicted its test rows") {
  auto series = walk(900, 7);
  auto fm = build_default_features(series);
  auto sp = make_splits(series, fm, split_spec{});
  auto m = make_model("logistic");
  m->start({sp.train.x, sp.train.y, sp.val.x, sp.val.y}, {}, 1);
  for (int i = 0; i < 100 && !m->step().done; ++i) {
  }
  const auto path = (std::filesystem::path(MLT_BINARY_DIR) / "test-tmp" / "kept.model").string();
  write_artifact(path, {"logistic", 1, sp.feature_names, sp.scaler_mean, sp.scaler_scale, m->save()});
  auto a = read_artifact(path);
  auto p = predict_bars(a, series);
  REQUIRE(p.size() == series.bars.size());
  CHECK(std::isnan(p.front()));  // warm-up
  const Eigen::VectorXd direct = m->predict_proba(sp.test.x);
  for (Eigen::Index i = 0; i < direct.size(); ++i)
    CHECK(p[sp.test.bar_index[static_cast<std::size_t>(i)]] == Approx(direct(i)).epsilon(1e-12));

  std::ofstream(path, std::ios::trunc) << "mlt-artifact 1\nmodel logistic\nhorizon 1\nfeatures 2 a b\nmean 2 0";
  CHECK_THROWS_WITH(read_artifact(path), Catch::Contains("truncated"));
}
