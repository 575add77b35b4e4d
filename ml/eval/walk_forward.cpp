#include "ml/eval/walk_forward.hpp"

#include <sstream>
#include <stdexcept>

namespace mlt::ml {

namespace {

Eigen::MatrixXd gather(const Eigen::MatrixXd& x, const std::vector<std::size_t>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(rows[i]));
  return out;
}

Eigen::VectorXd gather(const Eigen::VectorXd& y, const std::vector<std::size_t>& rows) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) out[static_cast<Eigen::Index>(i)] = y[static_cast<Eigen::Index>(rows[i])];
  return out;
}

struct scaler {
  Eigen::RowVectorXd mean, scale;
  Eigen::MatrixXd apply(const Eigen::MatrixXd& x) const {
    return ((x.rowwise() - mean).array().rowwise() / scale.array()).matrix();
  }
};

scaler fit_scaler(const Eigen::MatrixXd& x) {
  scaler s;
  s.mean = x.colwise().mean();
  s.scale = ((x.rowwise() - s.mean).array().square().colwise().sum() / static_cast<double>(std::max<Eigen::Index>(1, x.rows())))
                .sqrt()
                .matrix();
  for (Eigen::Index j = 0; j < s.scale.size(); ++j)
    if (!(s.scale[j] > 1e-12)) s.scale[j] = 1.0;
  return s;
}

}  // namespace

std::vector<fold> walk_forward_folds(const std::vector<std::size_t>& bar_index, const walk_forward_spec& spec) {
  std::ostringstream msg;
  if (spec.folds < 1 || spec.folds > 50) msg << "walk-forward folds must be in [1, 50] (got " << spec.folds << ")";
  else if (spec.embargo < 0) msg << "walk-forward embargo must be >= 0 (got " << spec.embargo << ")";
  else if (!(spec.inner_val_ratio >= 0 && spec.inner_val_ratio < 0.5))
    msg << "walk-forward inner_val_ratio must be in [0, 0.5) (got " << spec.inner_val_ratio << ")";
  if (!msg.str().empty()) throw std::invalid_argument(msg.str());

  const std::size_t n = bar_index.size();
  const auto k = static_cast<std::size_t>(spec.folds);
  const std::size_t block = n / (k + 1);
  const auto gap = static_cast<std::size_t>(spec.embargo);
  std::vector<fold> out;
  for (std::size_t i = 0; i < k; ++i) {
    fold f;
    const std::size_t val_begin = (i + 1) * block;
    const std::size_t val_end = i + 1 == k ? n : val_begin + block;
    for (std::size_t r = val_begin; r < val_end; ++r) f.val.push_back(r);
    // Training rows whose label (bar + embargo) ends before the first validation bar.
    std::vector<std::size_t> before;
    const std::size_t rolling_begin = spec.window == window_kind::rolling && val_begin > block ? val_begin - block : 0;
    for (std::size_t r = rolling_begin; r < val_begin; ++r)
      if (bar_index[r] + gap < bar_index[val_begin]) before.push_back(r);
    const auto n_inner = static_cast<std::size_t>(spec.inner_val_ratio * static_cast<double>(before.size()));
    const std::size_t split = before.size() - n_inner;
    for (std::size_t j = 0; j < split; ++j)
      if (n_inner == 0 || bar_index[before[j]] + gap < bar_index[before[split]]) f.train.push_back(before[j]);
    for (std::size_t j = split; j < before.size(); ++j) f.inner_val.push_back(before[j]);
    if (f.train.size() < spec.min_train_rows || f.val.empty()) {
      std::ostringstream m;
      m << "walk-forward fold " << i + 1 << " of " << k << " has " << f.train.size() << " training and "
        << f.val.size() << " validation rows (" << n << " rows in all; need at least " << spec.min_train_rows
        << " training rows); use fewer folds or more data";
      throw std::invalid_argument(m.str());
    }
    out.push_back(std::move(f));
  }
  return out;
}

dataset join_train_val(const dataset_splits& splits) {
  const dataset& a = splits.train;
  const dataset& b = splits.val;
  dataset d;
  d.x.resize(a.rows() + b.rows(), a.x.cols());
  d.x << a.x, b.x;
  d.y.resize(a.rows() + b.rows());
  d.y << a.y, b.y;
  d.forward_return.resize(a.rows() + b.rows());
  d.forward_return << a.forward_return, b.forward_return;
  d.bar_index = a.bar_index;
  d.bar_index.insert(d.bar_index.end(), b.bar_index.begin(), b.bar_index.end());
  return d;
}

fit_data fold_fit_data(const dataset& rows, const fold& f) {
  const Eigen::MatrixXd xt = gather(rows.x, f.train);
  const scaler s = fit_scaler(xt);
  fit_data d;
  d.x_train = s.apply(xt);
  d.y_train = gather(rows.y, f.train);
  d.x_val = s.apply(gather(rows.x, f.inner_val));
  d.y_val = gather(rows.y, f.inner_val);
  return d;
}

Eigen::MatrixXd fold_val_x(const dataset& rows, const fold& f) {
  return fit_scaler(gather(rows.x, f.train)).apply(gather(rows.x, f.val));
}

Eigen::VectorXd fold_val_y(const dataset& rows, const fold& f) { return gather(rows.y, f.val); }

}  // namespace mlt::ml
