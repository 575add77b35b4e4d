#include "ml/eval/leakage_audit.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mlt::ml {

namespace {

bool same_cell(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

std::vector<std::size_t> probe_points(const bar_series& s, const dataset_splits& d) {
  const std::size_t n = s.bars.size();
  std::vector<std::size_t> t;
  if (n < 2) return t;
  for (double q : {0.25, 0.5, 0.75}) t.push_back(static_cast<std::size_t>(q * static_cast<double>(n - 1)));
  // The boundaries are where look-ahead would matter most.
  if (!d.train.bar_index.empty()) t.push_back(d.train.bar_index.back());
  if (!d.val.bar_index.empty()) t.push_back(d.val.bar_index.back());
  if (!d.test.bar_index.empty()) t.push_back(d.test.bar_index.front());
  t.push_back(n - 2);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

void check_part_order(const dataset& part, const char* name, std::vector<std::string>& findings) {
  for (std::size_t i = 1; i < part.bar_index.size(); ++i)
    if (part.bar_index[i] <= part.bar_index[i - 1]) {
      findings.push_back(std::string(name) + " rows are not in time order at row " + std::to_string(i));
      return;
    }
}

void check_gap(const dataset& a, const char* an, const dataset& b, const char* bn, int h,
               std::vector<std::string>& findings, std::ostringstream& ok) {
  if (a.bar_index.empty() || b.bar_index.empty()) return;
  const std::size_t last = a.bar_index.back(), first = b.bar_index.front();
  const auto label_end = last + static_cast<std::size_t>(h);
  if (label_end >= first) {
    std::ostringstream f;
    f << an << " ends at bar " << last << " whose label reaches bar " << label_end << ", but " << bn
      << " starts at bar " << first << " (embargo of " << h << " bars violated)";
    findings.push_back(f.str());
  } else {
    ok << an << "->" << bn << " gap " << first - last - 1 << " bars; ";
  }
}

// 1. Look-ahead in features: perturbing the bars after a probe bar t must
// leave every feature at rows <= t as it was.
void check_look_ahead(const bar_series& series, const feature_fn& features, const feature_matrix& base,
                      leakage_verdict& v, std::size_t t) {
  const feature_matrix f = features(perturbed_after(series, t));
  std::vector<std::string> changed;
  std::size_t first_row = t + 1;
  for (Eigen::Index j = 0; j < base.values.cols(); ++j)
    for (Eigen::Index i = 0; i <= static_cast<Eigen::Index>(t); ++i)
      if (!same_cell(base.values(i, j), f.values(i, j))) {
        changed.push_back(j < static_cast<Eigen::Index>(base.names.size()) ? base.names[static_cast<std::size_t>(j)]
                                                                          : "column " + std::to_string(j));
        first_row = std::min(first_row, static_cast<std::size_t>(i));
        break;
      }
  if (!changed.empty()) {
    std::ostringstream msg;
    msg << "look-ahead: perturbing bars after " << t << " changed";
    for (const auto& c : changed) msg << ' ' << c;
    msg << " at rows <= " << t << " (first at row " << first_row << ")";
    v.findings.push_back(msg.str());
  }
}

// 3. Labels look exactly `horizon` bars ahead of their row's bar; the first
// row of `part` that does not is a finding.
void check_labels(const bar_series& series, const dataset& part, const char* name, int horizon,
                  std::vector<std::string>& findings) {
  for (std::size_t i = 0; i < part.bar_index.size() && horizon >= 1; ++i) {
    const std::size_t t = part.bar_index[i];
    if (t + static_cast<std::size_t>(horizon) >= series.bars.size()) break;  // reported above
    const double now = series.bars[t].close, later = series.bars[t + static_cast<std::size_t>(horizon)].close;
    const auto r = static_cast<Eigen::Index>(i);
    const bool y_ok = r < part.y.size() && part.y[r] == (later > now ? 1.0 : 0.0);
    const bool ret_ok = r < part.forward_return.size() &&
                        std::abs(part.forward_return[r] - (later / now - 1.0)) <= 1e-12 * (1.0 + std::abs(later / now));
    if (!y_ok || !ret_ok) {
      findings.push_back(std::string(name) + " row " + std::to_string(i) + " (bar " + std::to_string(t) +
                         ") has a label that is not close(t+" + std::to_string(horizon) + ") vs close(t)");
      break;
    }
  }
}

// 4. Scaler fitted on training rows only.
void check_scaler(const bar_series& series, const feature_matrix& base, const dataset_splits& splits,
                  std::vector<std::string>& findings) {
  if (!splits.train.bar_index.empty() && base.values.rows() == static_cast<Eigen::Index>(series.bars.size()) &&
      splits.scaler_mean.size() == base.values.cols()) {
    Eigen::MatrixXd raw(static_cast<Eigen::Index>(splits.train.bar_index.size()), base.values.cols());
    for (std::size_t i = 0; i < splits.train.bar_index.size(); ++i)
      raw.row(static_cast<Eigen::Index>(i)) = base.values.row(static_cast<Eigen::Index>(splits.train.bar_index[i]));
    const Eigen::RowVectorXd mean = raw.colwise().mean();
    const double tol = 1e-9 * (1.0 + mean.cwiseAbs().maxCoeff());
    if ((mean - splits.scaler_mean).cwiseAbs().maxCoeff() > tol)
      findings.push_back("scaler mean differs from the mean of the training rows (fitted on other rows?)");
  }
}

std::string summary_of(const leakage_verdict& v, int horizon, const std::string& boundary_ok,
                       const dataset_splits& splits) {
  std::ostringstream s;
  if (v.passed) {
    s << "leakage audit passed: perturbing all bars after t for " << v.probe_bars.size() << " probes (t =";
    for (auto t : v.probe_bars) s << ' ' << t;
    s << ") changed no feature at rows <= t; embargo of " << horizon << " bars respected (" << boundary_ok
      << "labels are close(t+" << horizon << ") vs close(t) and end inside the series); scaler fitted on the " << splits.train.bar_index.size()
      << " training rows only.";
  } else {
    s << "leakage audit FAILED (" << v.findings.size() << " problem" << (v.findings.size() == 1 ? "" : "s")
      << "): ";
    for (std::size_t i = 0; i < v.findings.size(); ++i) s << (i ? "; " : "") << v.findings[i];
  }
  return s.str();
}

}  // namespace

leakage_verdict audit_leakage(const bar_series& series, const feature_fn& features, const dataset_splits& splits,
                              int horizon) {
  leakage_verdict v;
  std::ostringstream boundary_ok;
  if (horizon < 1) v.findings.push_back("horizon must be >= 1 bar (got " + std::to_string(horizon) + ")");

  const feature_matrix base = features(series);
  if (static_cast<std::size_t>(base.values.rows()) != series.bars.size())
    v.findings.push_back("feature matrix has " + std::to_string(base.values.rows()) + " rows for " +
                         std::to_string(series.bars.size()) + " bars");

  if (v.findings.empty()) {
    v.probe_bars = probe_points(series, splits);
    for (std::size_t t : v.probe_bars) check_look_ahead(series, features, base, v, t);
  }

  // 2. Split boundaries, order and label range.
  check_part_order(splits.train, "train", v.findings);
  check_part_order(splits.val, "validation", v.findings);
  check_part_order(splits.test, "test", v.findings);
  check_gap(splits.train, "train", splits.val, "validation", horizon, v.findings, boundary_ok);
  check_gap(splits.val, "validation", splits.test, "test", horizon, v.findings, boundary_ok);
  if (!splits.test.bar_index.empty() &&
      splits.test.bar_index.back() + static_cast<std::size_t>(std::max(horizon, 0)) >= series.bars.size())
    v.findings.push_back("the last test row's label lies beyond the end of the series");

  check_labels(series, splits.train, "train", horizon, v.findings);
  check_labels(series, splits.val, "validation", horizon, v.findings);
  check_labels(series, splits.test, "test", horizon, v.findings);
  check_scaler(series, base, splits, v.findings);

  v.passed = v.findings.empty();
  v.summary = summary_of(v, horizon, boundary_ok.str(), splits);
  return v;
}

bar_series perturbed_after(const bar_series& s, std::size_t t) {
  bar_series out = s;
  for (std::size_t i = t + 1; i < out.bars.size(); ++i) {
    const double f = 1.0 + 0.25 * std::sin(0.7 * static_cast<double>(i)) + 0.1;
    bar& b = out.bars[i];
    b.open *= f;
    b.close *= f * 1.03;
    b.high = std::max({b.high * f * 1.05, b.open, b.close});
    b.low = std::min({b.low * f * 0.95, b.open, b.close});
    b.volume = b.volume * 3.0 + 1000.0;
  }
  return out;
}

leakage_verdict audit_question(const bar_series& series, const question_fn& question, std::size_t last_allowed_bar,
                               const std::string& what) {
  leakage_verdict v;
  v.probe_bars.push_back(last_allowed_bar);
  const std::vector<double> before = question(series);
  const std::vector<double> after = question(perturbed_after(series, last_allowed_bar));
  for (std::size_t i = 0; i < before.size(); ++i)
    if (i >= after.size() || !same_cell(before[i], after[i]))
      v.findings.push_back(what + ": number " + std::to_string(i + 1) + " changed when later bars changed");
  if (after.size() != before.size()) v.findings.push_back(what + ": the question changed shape when later bars changed");
  v.passed = v.findings.empty();
  v.summary = v.passed ? "The " + what + " is unchanged when every bar after bar " + std::to_string(last_allowed_bar) +
                             " is perturbed."
                       : "Question leakage: " + v.findings.front() + ".";
  return v;
}

}  // namespace mlt::ml
