#include "ml/eval/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mlt::ml {

namespace {

constexpr Eigen::Index min_part_rows = 30;

void check_spec(const split_spec& spec) {
  std::ostringstream msg;
  if (!(spec.train_ratio >= 0.3 && spec.train_ratio <= 0.9))
    msg << "train_ratio must be in [0.3, 0.9] (got " << spec.train_ratio << ")";
  else if (!(spec.val_ratio >= 0.0))
    msg << "val_ratio must be >= 0 (got " << spec.val_ratio << ")";
  else if (!(spec.train_ratio + spec.val_ratio < 1.0))
    msg << "train_ratio + val_ratio must be below 1 so the test part is not empty (got "
        << spec.train_ratio << " + " << spec.val_ratio << ")";
  else if (spec.horizon < 1)
    msg << "horizon must be >= 1 bar (got " << spec.horizon << ")";
  if (!msg.str().empty()) throw std::invalid_argument(msg.str());
}

dataset take_rows(const bar_series& series, const Eigen::MatrixXd& x, const std::vector<std::size_t>& rows,
                  std::size_t begin, std::size_t end, int horizon) {
  dataset d;
  const auto n = static_cast<Eigen::Index>(end - begin);
  d.x.resize(n, x.cols());
  d.y.resize(n);
  d.forward_return.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::size_t t = rows[begin + static_cast<std::size_t>(i)];
    d.x.row(i) = x.row(static_cast<Eigen::Index>(t));
    const double now = series.bars[t].close;
    const double later = series.bars[t + static_cast<std::size_t>(horizon)].close;
    d.y[i] = later > now ? 1.0 : 0.0;
    d.forward_return[i] = later / now - 1.0;
    d.bar_index.push_back(t);
  }
  return d;
}

// First position in `rows` at or after `from` whose bar lies beyond `last_bar + gap`.
std::size_t after_embargo(const std::vector<std::size_t>& rows, std::size_t from, std::size_t last_bar,
                          int gap) {
  while (from < rows.size() && rows[from] <= last_bar + static_cast<std::size_t>(gap)) ++from;
  return from;
}

}  // namespace

std::vector<std::size_t> usable_rows(const bar_series& series, const feature_matrix& features, int horizon,
                                     std::size_t* warmup) {
  const std::size_t n_bars = series.bars.size();
  const auto h = static_cast<std::size_t>(std::max(1, horizon));
  std::vector<std::size_t> rows;
  std::size_t leading = 0;
  for (std::size_t t = 0; t + h < n_bars && t < static_cast<std::size_t>(features.values.rows()); ++t) {
    if (features.values.row(static_cast<Eigen::Index>(t)).allFinite())
      rows.push_back(t);
    else if (rows.empty())
      ++leading;
  }
  if (warmup) *warmup = leading;
  return rows;
}

std::vector<std::size_t> rows_training_under_any_split(const bar_series& series, const feature_matrix& features,
                                                       int horizon, double min_train_ratio) {
  std::vector<std::size_t> rows = usable_rows(series, features, horizon);
  const auto n_train = static_cast<std::size_t>(std::floor(min_train_ratio * static_cast<double>(rows.size())));
  rows.resize(std::min(rows.size(), n_train));
  return rows;
}

dataset_splits make_splits(const bar_series& series, const feature_matrix& features, const split_spec& spec) {
  check_spec(spec);
  const std::size_t n_bars = series.bars.size();
  if (static_cast<std::size_t>(features.values.rows()) != n_bars)
    throw std::invalid_argument("feature matrix has " + std::to_string(features.values.rows()) +
                                " rows but the series has " + std::to_string(n_bars) + " bars");
  dataset_splits out;
  out.feature_names = features.names;
  const std::vector<std::size_t> rows = usable_rows(series, features, spec.horizon, &out.warmup_rows);
  const std::size_t n = rows.size();
  const auto n_train = static_cast<std::size_t>(std::floor(spec.train_ratio * static_cast<double>(n)));
  const auto n_val = static_cast<std::size_t>(std::floor(spec.val_ratio * static_cast<double>(n)));

  std::size_t val_begin = n, val_end = n, test_begin = n;
  if (n_train > 0) {
    val_begin = after_embargo(rows, n_train, rows[n_train - 1], spec.horizon);
    val_end = std::min(n, val_begin + n_val);
    test_begin = val_end > val_begin ? after_embargo(rows, val_end, rows[val_end - 1], spec.horizon) : val_end;
  }
  const auto too_small = [&](const char* part, std::size_t got) {
    std::ostringstream msg;
    msg << part << " part has " << got << " rows, fewer than " << min_part_rows << " (" << n_bars
        << " bars, " << out.warmup_rows << " warm-up rows, horizon " << spec.horizon << ", train_ratio "
        << spec.train_ratio << ", val_ratio " << spec.val_ratio << "); use more data or other ratios";
    throw std::invalid_argument(msg.str());
  };
  if (n_train < static_cast<std::size_t>(min_part_rows)) too_small("train", n_train);
  if (val_end - val_begin < static_cast<std::size_t>(min_part_rows)) too_small("validation", val_end - val_begin);
  if (n - std::min(n, test_begin) < static_cast<std::size_t>(min_part_rows))
    too_small("test", n - std::min(n, test_begin));

  // Scaler statistics come from the training rows only.
  Eigen::MatrixXd train_x(static_cast<Eigen::Index>(n_train), features.values.cols());
  for (std::size_t i = 0; i < n_train; ++i)
    train_x.row(static_cast<Eigen::Index>(i)) = features.values.row(static_cast<Eigen::Index>(rows[i]));
  out.scaler_mean = train_x.colwise().mean();
  out.scaler_scale =
      ((train_x.rowwise() - out.scaler_mean).array().square().colwise().sum() / static_cast<double>(n_train))
          .sqrt()
          .matrix();
  for (Eigen::Index j = 0; j < out.scaler_scale.size(); ++j)
    if (!(out.scaler_scale[j] > 1e-12)) out.scaler_scale[j] = 1.0;  // a constant column stays centred
  const Eigen::MatrixXd scaled =
      (features.values.rowwise() - out.scaler_mean).array().rowwise() / out.scaler_scale.array();

  out.train = take_rows(series, scaled, rows, 0, n_train, spec.horizon);
  out.val = take_rows(series, scaled, rows, val_begin, val_end, spec.horizon);
  out.test = take_rows(series, scaled, rows, test_begin, n, spec.horizon);
  return out;
}

}  // namespace mlt::ml
