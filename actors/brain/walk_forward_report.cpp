#include "actors/brain/walk_forward_report.hpp"

#include <algorithm>
#include <cmath>

#include "actors/text_format.hpp"

namespace mlt::brain {

namespace {

using actors::text::fmt;
using actors::text::pct;
using actors::text::spct;

// 2900 -> "2,900": row counts read at a glance.
std::string thousands(std::int64_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double get(const std::map<std::string, double>& m, const char* k) {
  const auto it = m.find(k);
  return it == m.end() ? 0.0 : it->second;
}

}  // namespace

walk_forward_verdict judge_walk_forward(const msg::walk_forward_result& r) {
  walk_forward_verdict v;
  v.available = !r.folds.empty() && r.n > 0;
  if (!v.available) return v;
  v.reference = std::max(0.5, r.majority_rate);
  const double half_band = 1.96 * std::sqrt(v.reference * (1.0 - v.reference) / static_cast<double>(r.n));
  v.reference_name = r.majority_rate > 0.5 ? "the majority-class rate " + pct(r.majority_rate) : "a coin flip";
  v.beats = r.accuracy > v.reference + half_band;
  v.below = r.accuracy < v.reference - half_band;
  v.evidence = "pooled accuracy " + pct(r.accuracy) + " ± " + pct(r.accuracy_se) + " over " + thousands(r.n) +
               " rows, " + std::to_string(r.folds_beating_majority) + " of " + std::to_string(r.folds.size()) +
               " folds beat the majority rate";
  return v;
}

std::string walk_forward_analysis(const msg::walk_forward_result& r, int horizon) {
  if (r.folds.empty()) return r.note.empty() ? std::string() : "Walk-forward: " + r.note + ".";
  std::string s = "Walk-forward evidence (" + r.model + " refitted on each of " + std::to_string(r.folds.size()) +
                  " folds, " + r.window + " window, embargo " + std::to_string(r.embargo) +
                  " bar(s); the last fold is the test part):";
  for (const auto& f : r.folds)
    s += " fold " + std::to_string(f.fold) + " " + f.first + ".." + f.last + " (n=" + std::to_string(f.n) +
         "): accuracy " + pct(f.accuracy) + ", AUC " + fmt("%.3f", f.auc) + ", log loss " + fmt("%.4f", f.log_loss) +
         ", IC " + fmt("%.3f", f.ic) + ", majority rate " + pct(f.majority_rate) +
         (f.beats_majority ? " (beaten)" : " (not beaten)") + ";";
  s += " pooled over " + thousands(r.n) + " out-of-sample rows: accuracy " + pct(r.accuracy) + " ± " +
       pct(r.accuracy_se) + ", AUC " + fmt("%.3f", r.auc) + " ± " + fmt("%.3f", r.auc_se) + ", log loss " +
       fmt("%.4f", r.log_loss) + " ± " + fmt("%.4f", r.log_loss_se) + ", IC " + fmt("%.3f", r.ic) + " ± " +
       fmt("%.3f", r.ic_se) + "; " + std::to_string(r.folds_beating_majority) + " of " +
       std::to_string(r.folds.size()) +
       " folds beat their majority-class rate. Standard errors (±1): binomial for accuracy, Hanley-McNeil for AUC, "
       "per-row loss deviation for log loss, sqrt(1.06/(n-3)) for IC";
  s += horizon > 1 ? "; with a " + std::to_string(horizon) +
                         "-bar horizon neighbouring labels overlap, so the true errors are larger (about sqrt(h) times)."
                   : ".";
  return s;
}

std::string walk_forward_trading(const msg::walk_forward_result& r) {
  if (r.folds.empty() || (r.paper.final_equity == 0 && r.buy_hold.final_equity == 0)) return {};
  std::string s = "Over all walk-forward out-of-sample bars (" + r.folds.front().first + " to " + r.folds.back().last +
                  ") the strategy returned " + spct(r.paper.total_return) + ", Sharpe " + fmt("%.2f", r.paper.sharpe) +
                  ", max drawdown " + pct(r.paper.max_drawdown) + ", " + std::to_string(r.paper.trades) +
                  " trade(s); buy-and-hold " + spct(r.buy_hold.total_return) + " (Sharpe " +
                  fmt("%.2f", r.buy_hold.sharpe) + ")";
  if (!r.sma_cross.empty())
    s += ", SMA(10,30) crossover " + spct(get(r.sma_cross, "total_return")) + " (Sharpe " +
         fmt("%.2f", get(r.sma_cross, "sharpe")) + ")";
  return s + " over the same bars and costs.";
}

}  // namespace mlt::brain
