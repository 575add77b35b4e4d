#include "ml/eval/walk_forward.hpp"

#include <algorithm>
#include <sstream>
#include <string>
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

namespace {

void check_spec(const walk_forward_spec& spec) {
  std::ostringstream msg;
  if (spec.folds < 1 || spec.folds > 50) msg << "walk-forward folds must be in [1, 50] (got " << spec.folds << ")";
  else if (spec.embargo < 0) msg << "walk-forward embargo must be >= 0 (got " << spec.embargo << ")";
  else if (!(spec.inner_val_ratio >= 0 && spec.inner_val_ratio < 0.5))
    msg << "walk-forward inner_val_ratio must be in [0, 0.5) (got " << spec.inner_val_ratio << ")";
  if (!msg.str().empty()) throw std::invalid_argument(msg.str());
}

// One fold predicting rows [val_begin, val_end), trained on rows from
// train_begin whose label (bar + embargo) ends before the first predicted bar;
// the inner validation tail is separated from the training rows the same way.
fold make_fold(const std::vector<std::size_t>& bar_index, std::size_t train_begin, std::size_t val_begin,
               std::size_t val_end, const walk_forward_spec& spec, std::size_t index, std::size_t k) {
  const auto gap = static_cast<std::size_t>(spec.embargo);
  fold f;
  for (std::size_t r = val_begin; r < val_end; ++r) f.val.push_back(r);
  std::vector<std::size_t> before;
  if (val_begin < bar_index.size())
    for (std::size_t r = train_begin; r < val_begin; ++r)
      if (bar_index[r] + gap < bar_index[val_begin]) before.push_back(r);
  const auto n_inner = static_cast<std::size_t>(spec.inner_val_ratio * static_cast<double>(before.size()));
  const std::size_t split = before.size() - n_inner;
  for (std::size_t j = 0; j < split; ++j)
    if (n_inner == 0 || bar_index[before[j]] + gap < bar_index[before[split]]) f.train.push_back(before[j]);
  for (std::size_t j = split; j < before.size(); ++j) f.inner_val.push_back(before[j]);
  if (f.train.size() < spec.min_train_rows || f.val.empty()) {
    std::ostringstream m;
    m << "walk-forward fold " << index + 1 << " of " << k << " has " << f.train.size() << " training and "
      << f.val.size() << " validation rows (" << bar_index.size() << " rows in all; need at least "
      << spec.min_train_rows << " training rows); use fewer folds or more data";
    throw std::invalid_argument(m.str());
  }
  return f;
}

}  // namespace

std::vector<fold> walk_forward_folds(const std::vector<std::size_t>& bar_index, const walk_forward_spec& spec) {
  check_spec(spec);
  const std::size_t n = bar_index.size();
  const auto k = static_cast<std::size_t>(spec.folds);
  const std::size_t block = n / (k + 1);
  std::vector<fold> out;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t val_begin = (i + 1) * block;
    const std::size_t val_end = i + 1 == k ? n : val_begin + block;
    const std::size_t train_begin = spec.window == window_kind::rolling && val_begin > block ? val_begin - block : 0;
    out.push_back(make_fold(bar_index, train_begin, val_begin, val_end, spec, i, k));
  }
  return out;
}

std::vector<fold> evidence_folds(const std::vector<std::size_t>& bar_index, std::size_t test_begin,
                                 const walk_forward_spec& spec) {
  check_spec(spec);
  const std::size_t n = bar_index.size();
  if (test_begin == 0 || test_begin >= n)
    throw std::invalid_argument("walk-forward needs rows before and in the test part (test starts at row " +
                                std::to_string(test_begin) + " of " + std::to_string(n) + ")");
  const auto k = static_cast<std::size_t>(spec.folds);
  // Blocks are the test part's size unless that would leave the first
  // training window below its minimum share of the pre-test rows.
  const auto spare = static_cast<std::size_t>((1.0 - evidence_min_first_window) * static_cast<double>(test_begin));
  const std::size_t block = k > 1 ? std::min(n - test_begin, spare / (k - 1)) : 0;
  if (k > 1 && block == 0)
    throw std::invalid_argument("walk-forward with " + std::to_string(k) + " folds has no room for its blocks (" +
                                std::to_string(test_begin) + " rows before the test part); use fewer folds");
  const std::size_t first_window = test_begin - (k - 1) * block;
  std::vector<fold> out;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t val_begin = first_window + i * block;
    const std::size_t val_end = i + 1 == k ? n : val_begin + block;
    const std::size_t train_begin =
        spec.window == window_kind::rolling && val_begin > first_window ? val_begin - first_window : 0;
    out.push_back(make_fold(bar_index, train_begin, val_begin, val_end, spec, i, k));
  }
  return out;
}

const char* window_name(window_kind w) { return w == window_kind::rolling ? "rolling" : "expanding"; }

bool parse_window(const std::string& text, window_kind& out) {
  if (text == "expanding") out = window_kind::expanding;
  else if (text == "rolling") out = window_kind::rolling;
  else return false;
  return true;
}

dataset join_parts(const std::vector<const dataset*>& parts) {
  dataset d;
  Eigen::Index rows = 0;
  for (const auto* p : parts) rows += p->rows();
  const Eigen::Index cols = parts.empty() ? 0 : parts.front()->x.cols();
  d.x.resize(rows, cols);
  d.y.resize(rows);
  d.forward_return.resize(rows);
  Eigen::Index at = 0;
  for (const auto* p : parts) {
    d.x.middleRows(at, p->rows()) = p->x;
    d.y.segment(at, p->rows()) = p->y;
    d.forward_return.segment(at, p->rows()) = p->forward_return;
    d.bar_index.insert(d.bar_index.end(), p->bar_index.begin(), p->bar_index.end());
    at += p->rows();
  }
  return d;
}

dataset join_train_val(const dataset_splits& splits) { return join_parts({&splits.train, &splits.val}); }

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
