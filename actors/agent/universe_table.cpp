#include "actors/agent/universe_table.hpp"

#include <algorithm>
#include <cmath>

#include "actors/text_format.hpp"
#include "ml/eval/oos_metrics.hpp"
#include "ml/market/index_members.hpp"
#include "ml/sim/stats.hpp"

namespace mlt::actors {

namespace {

using text::fmt;
using text::pad;
using text::pct;
using text::spct;

msg::universe_row row_of(const comparison_arm& a) {
  msg::universe_row r;
  r.trial_id = a.trial_id;
  r.symbol = a.symbol;
  r.model = a.model;
  if (!a.done || a.failed) {
    r.failure = a.done ? a.failure : "still running";
    return r;
  }
  const auto& s = a.summary;
  r.finished = true;
  if (!s.symbol.empty()) r.symbol = s.symbol;
  if (!s.model.empty()) r.model = s.model;
  r.synthetic = s.synthetic;
  r.test_n = static_cast<std::int64_t>(s.test.n);
  r.test_accuracy = s.test.accuracy;
  r.test_accuracy_se = accuracy_se(s.test.accuracy, s.test.n);
  r.test_auc = s.test.roc_auc;
  r.test_auc_se = ml::auc_standard_error(s.test.roc_auc, s.test.tp + s.test.fn, s.test.tn + s.test.fp);
  r.walk_forward = !s.walk_forward.folds.empty() && s.walk_forward.n > 0;
  if (r.walk_forward) {
    r.wf_n = s.walk_forward.n;
    r.wf_ic = s.walk_forward.ic;
    r.wf_ic_se = s.walk_forward.ic_se;
  }
  r.strategy_return = s.paper.total_return;
  r.buy_hold_return = s.buy_hold.total_return;
  r.trades = s.paper.trades;
  return r;
}

// Mean of `v` and its standard error across the values (sample deviation
// over sqrt(n)); the error is 0 below two values.
std::pair<double, double> mean_se(const std::vector<double>& v) {
  const double mean = ml::sim::mean_of(v);
  return {mean, ml::sim::stdev_of(v, mean) / std::sqrt(static_cast<double>(std::max<std::size_t>(v.size(), 1)))};
}

msg::universe_pooled pool(const std::vector<msg::universe_row>& rows, const std::string& model) {
  msg::universe_pooled p;
  p.model = model;
  std::vector<double> acc, auc, ic, excess;
  for (const auto& r : rows) {
    if (!r.finished || r.model != model) continue;
    acc.push_back(r.test_accuracy);
    auc.push_back(r.test_auc);
    excess.push_back(r.strategy_return - r.buy_hold_return);
    if (r.walk_forward) ic.push_back(r.wf_ic);
    if (r.strategy_return > r.buy_hold_return) ++p.beat_buy_hold;
  }
  p.symbols = static_cast<std::int32_t>(acc.size());
  p.ic_symbols = static_cast<std::int32_t>(ic.size());
  std::tie(p.accuracy, p.accuracy_se) = mean_se(acc);
  std::tie(p.auc, p.auc_se) = mean_se(auc);
  std::tie(p.ic, p.ic_se) = mean_se(ic);
  std::tie(p.excess_return, p.excess_return_se) = mean_se(excess);
  return p;
}

// "±1.8" in the units shown, or "" when there is no error to show.
std::string pm(double se, const char* f) { return se > 0 ? std::string(" ±") + fmt(f, se) : ""; }

std::string table_text(const msg::universe_report& r) {
  const bool by_model = r.models.size() > 1;
  const bool any_wf = std::any_of(r.rows.begin(), r.rows.end(), [](const auto& x) { return x.walk_forward; });
  std::string out = "  " + pad("symbol", 8) + (by_model ? pad("model", 13) : "") + pad("trial", 7) +
                    pad("test acc", 14) + pad("AUC", 15) + (any_wf ? pad("WF IC", 16) : "") + pad("strategy", 10) +
                    pad("B&H", 10) + "beat B&H\n";
  for (const auto& x : r.rows) {
    out += "  " + pad(x.symbol, 8) + (by_model ? pad(x.model, 13) : "") + pad("#" + msg::to_string(x.trial_id), 7);
    if (!x.finished) {
      out += "did not finish: " + x.failure + "\n";
      continue;
    }
    out += pad(pct(x.test_accuracy) + pm(100 * x.test_accuracy_se, "%.1f"), 14) +
           pad(fmt("%.3f", x.test_auc) + pm(x.test_auc_se, "%.3f"), 15);
    if (any_wf) out += pad(x.walk_forward ? fmt("%+.3f", x.wf_ic) + pm(x.wf_ic_se, "%.3f") : "n/a", 16);
    out += pad(spct(x.strategy_return), 10) + pad(spct(x.buy_hold_return), 10) +
           (x.strategy_return > x.buy_hold_return ? "yes" : "no") + (x.trades == 0 ? " (no trades)" : "") + "\n";
  }
  return out;
}

std::string pooled_text(const msg::universe_report& r) {
  std::string out;
  for (const auto& p : r.pooled) {
    out += "  " + (r.models.size() > 1 ? p.model + ": " : std::string());
    if (p.symbols == 0) {
      out += "no symbol finished.\n";
      continue;
    }
    out += "test accuracy " + pct(p.accuracy) + pm(100 * p.accuracy_se, "%.1f") + ", AUC " + fmt("%.3f", p.auc) +
           pm(p.auc_se, "%.3f");
    if (p.ic_symbols > 0)
      out += ", walk-forward IC " + fmt("%+.3f", p.ic) + pm(p.ic_se, "%.3f") + " (" +
             std::to_string(p.ic_symbols) + " symbol" + (p.ic_symbols == 1 ? "" : "s") + ")";
    out += ", strategy minus buy-and-hold " + fmt("%+.1f", 100 * p.excess_return) + " points" +
           pm(100 * p.excess_return_se, "%.1f") + "; " + std::to_string(p.beat_buy_hold) + " of " +
           std::to_string(p.symbols) + " beat buy-and-hold.\n";
  }
  return out;
}

std::string caveats_text(const msg::universe_report& r, const comparison& c) {
  std::string out =
      "Each row is one split of one series: a difference inside two standard errors is not evidence. Row errors "
      "treat bars as independent; with a horizon above one bar the labels overlap and the true errors are larger. "
      "The symbols share one market and one period, so their results move together: the error across symbols "
      "understates the uncertainty of a pooled mean.\n";
  if (r.rows.size() > 1)
    out += "With " + std::to_string(r.rows.size()) +
           " trials, the best row is the best of that many draws: some beat buy-and-hold by luck alone.\n";
  if (const auto* idx = ml::index_named(r.universe))
    out += "The member list of " + idx->name + " is as of " + idx->as_of +
           ": over earlier years it leaves out the companies that dropped out of the index (survivorship bias), "
           "which flatters buy-and-hold and long strategies.\n";
  if (std::any_of(r.rows.begin(), r.rows.end(), [](const auto& x) { return x.finished && x.trades == 0; }))
    out += "A strategy with no trades stayed in cash: whether it beat buy-and-hold says only how buy-and-hold did.\n";
  std::string synthetic;
  for (const auto& x : r.rows)
    if (x.finished && x.synthetic) synthetic += (synthetic.empty() ? "" : ", ") + x.symbol;
  if (!synthetic.empty())
    out += "Synthetic bars, not real prices, stood in for: " + synthetic + "; those rows say nothing about the market.\n";
  return out + contamination_text(c);
}

}  // namespace

msg::universe_report universe_report_of(const comparison& c) {
  msg::universe_report r;
  r.universe = c.universe;
  r.symbols = c.symbols;
  r.models = c.models;
  r.skipped = c.skipped;
  for (const auto& a : c.arms) r.rows.push_back(row_of(a));
  // One model for every symbol: the finished rows name it, and a row that
  // did not finish ran it too.
  if (r.models.empty()) {
    for (const auto& x : r.rows)
      if (!x.model.empty() && std::find(r.models.begin(), r.models.end(), x.model) == r.models.end())
        r.models.push_back(x.model);
    if (r.models.size() == 1)
      for (auto& x : r.rows)
        if (x.model.empty()) x.model = r.models.front();
  }
  for (const auto& m : r.models) r.pooled.push_back(pool(r.rows, m));
  std::size_t finished = 0;
  for (const auto& x : r.rows) finished += x.finished ? 1 : 0;
  const auto* idx = ml::index_named(r.universe);
  r.text = "The same plan, run once per symbol" + std::string(r.models.size() > 1 ? " and model" : "") + " on " +
           (idx ? idx->name : std::to_string(r.symbols.size()) + " symbols") + " (" + std::to_string(finished) +
           " of " + std::to_string(r.rows.size()) + " trials finished):\n" + table_text(r) +
           (r.skipped.empty() ? std::string() : "Not run (no data): " + text::join(r.skipped, "; ") + ".\n") +
           "Pooled (mean across symbols ± its standard error across symbols):\n" + pooled_text(r) + caveats_text(r, c);
  while (!r.text.empty() && r.text.back() == '\n') r.text.pop_back();
  return r;
}

}  // namespace mlt::actors
