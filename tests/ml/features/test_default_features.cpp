#include <catch2/catch.hpp>

#include <cmath>

#include "ml/features/feature_matrix.hpp"
#include "ml/features/indicators.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

TEST_CASE("default features have one row per bar and named columns") {
  const auto s = test::random_walk_bars(300, 1);
  const auto f = ml::build_default_features(s);
  CHECK(f.values.rows() == 300);
  CHECK(f.values.cols() == static_cast<Eigen::Index>(f.names.size()));
  CHECK(f.names.front() == "logret_1");
  CHECK(f.names.back() == "day_of_week");
}

TEST_CASE("default features are NaN during warm-up and finite after it") {
  const auto s = test::random_walk_bars(300, 2);
  const auto f = ml::build_default_features(s);
  // SMA(50) is the longest window: rows 0..48 have at least one NaN.
  for (Eigen::Index t = 0; t < 49; ++t) CHECK_FALSE(f.values.row(t).allFinite());
  for (Eigen::Index t = 49; t < 300; ++t) CHECK(f.values.row(t).allFinite());
  // Nothing is ever zero-filled during warm-up: log return 1 at row 0 is NaN.
  CHECK(std::isnan(f.values(0, 0)));
}

TEST_CASE("a default feature at row t does not change when later bars change") {
  const auto s = test::random_walk_bars(400, 3);
  const auto base = ml::build_default_features(s);
  for (std::size_t t : {60u, 150u, 398u}) {
    auto changed = s;
    for (std::size_t i = t + 1; i < changed.bars.size(); ++i) {
      changed.bars[i].close *= 1.5;
      changed.bars[i].high *= 1.6;
      changed.bars[i].low *= 1.4;
      changed.bars[i].volume *= 3;
    }
    const auto f = ml::build_default_features(changed);
    const auto rows = static_cast<Eigen::Index>(t + 1);
    const Eigen::MatrixXd a = base.values.topRows(rows), b = f.values.topRows(rows);
    // Compare bitwise including NaN positions.
    bool same = true;
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index j = 0; j < a.cols(); ++j)
        if (!(a(i, j) == b(i, j) || (std::isnan(a(i, j)) && std::isnan(b(i, j))))) same = false;
    CHECK(same);
  }
}

TEST_CASE("day of week counts Monday as 0") {
  // 2000-01-03 was a Monday; 1969-12-31 a Wednesday.
  const auto d = ml::ind::day_of_week({946857600, 946857600 + 86400 * 6, -86400});
  CHECK(d[0] == 0);
  CHECK(d[1] == 6);
  CHECK(d[2] == 2);
}
