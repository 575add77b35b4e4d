#include "actors/text_format.hpp"
#include "actors/brain/report_writer.hpp"
#include "actors/brain/walk_forward_report.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "ml/sim/paper_sim.hpp"

namespace mlt::brain {

namespace {

using actors::text::fmt;
using actors::text::pct;
using actors::text::spct;

}  // namespace

std::string multiple_testing_text(const msg::trial_summary& s) {
  const auto& m = s.daemon_tested;
  std::string out = "This trial fitted " + std::to_string(s.configurations_tried) + " configuration(s)";
  if (m.configurations <= 0) {
    out += "; the daemon-wide count for " + s.symbol + " could not be read, so the deflated Sharpe ratio counts only these";
  } else {
    out += "; " + std::to_string(m.configurations) + " have been fitted for " + s.symbol + " " + m.target +
           " on this daemon (in " + std::to_string(m.trials) + " trial(s), comparison arms included)";
    if (m.with_sharpe < m.configurations)
      out += ", " + std::to_string(m.configurations - m.with_sharpe) +
             " of them without a measured validation Sharpe (stopped before evaluation, optimiser evaluations, or "
             "recorded before this daemon measured it): they count, but do not enter the variance";
  }
  if (std::max<std::int64_t>(s.configurations_tried, m.configurations) > 1)
    out += ". The more configurations are tried, the more the best one overstates its true skill (multiple testing)";
  return out;
}

std::string validation_use_text(const std::vector<msg::row_use>& uses) {
  if (uses.empty()) return {};
  std::string out = " Validation rows, each used for one choice only:";
  for (std::size_t i = 0; i < uses.size(); ++i)
    out += std::string(i ? ";" : "") + " " + uses[i].purpose + " " + uses[i].first_date + " .. " + uses[i].last_date +
           " (" + std::to_string(uses[i].rows) + " rows)";
  return out + ".";
}

namespace {

// The test part's skill against chance and the walk-forward's, which every
// section of the report reads.
struct verdict {
  double majority = 0.5;   ///< always predicting the majority class
  double half_band = 0.0;  ///< of the 95% band around the reference
  bool one_class = false;  ///< every test prediction had the same direction
  bool beats = false;      ///< above the band
  bool below = false;      ///< below the band
  double excess = 0.0;     ///< paper return over buy-and-hold on the test part
  std::string band;        ///< "48.1% to 51.9%"
  std::string ref_name;    ///< "a coin flip" or "the majority-class rate 54.1%"
  walk_forward_verdict wf;
  bool edge = false;       ///< the verdict: walk-forward when there is any
};

verdict judge(const msg::trial_summary& s) {
  verdict v;
  const auto& t = s.test;
  const double n = std::max<double>(1.0, static_cast<double>(t.n));
  // Skill is judged against the better of a coin flip and always predicting
  // the majority class: a model that says "down" every day on a falling
  // market scores the base rate and has no skill.
  v.majority = std::max(t.base_rate, 1.0 - t.base_rate);
  const double ref = std::max(0.5, v.majority);
  v.half_band = 1.96 * std::sqrt(ref * (1.0 - ref) / n);
  v.one_class = (t.tp + t.fp == 0) || (t.tn + t.fn == 0);
  v.beats = !v.one_class && t.accuracy > ref + v.half_band;
  v.below = t.accuracy < ref - v.half_band;
  v.excess = s.paper.total_return - s.buy_hold.total_return;
  v.band = pct(ref - v.half_band) + " to " + pct(ref + v.half_band);
  v.ref_name = v.majority > 0.5 ? "the majority-class rate " + pct(v.majority) : "a coin flip";
  // The verdict rests on the walk-forward evidence when there is any: one
  // test slice can be lucky.
  v.wf = judge_walk_forward(s.walk_forward);
  v.edge = v.wf.available ? v.wf.beats : v.beats;
  return v;
}

// The direct answer.
std::string answer_text(const msg::trial_summary& s, const verdict& v) {
  const auto& t = s.test;
  const std::string data_kind = s.synthetic ? "synthetic " : "";
  // The bar size is measured from the bars used, never assumed.
  const std::string bar_size = s.bar_size.empty() ? "" : s.bar_size + " ";
  std::string out = "On " + data_kind + s.symbol + " " + bar_size + "data (" + s.first_date + " to " + s.last_date + ", " +
             std::to_string(s.bars) + " bars, source " + s.data_source +
             (s.synthetic || s.data_origin.empty() ? "" : ": " + s.data_origin) + "), " + s.model +
             (s.parameter_count > 0 ? " (" + std::to_string(s.parameter_count) + " learned parameters)" : std::string()) +
             " predicted the direction of the close " + (s.plan.horizon == 1 ? std::string("one bar") : std::to_string(s.plan.horizon) + " bars") +
             " ahead with out-of-sample accuracy " + pct(t.accuracy) + " on " +
             std::to_string(t.n) + " test bars (" + s.test_first_date + " to " + s.test_last_date + "). ";
  if (v.one_class)
    out += "It predicted the same direction for every test bar, so its accuracy is just the base rate: no skill.";
  else if (v.beats)
    out += "That is above the 95% band around " + v.ref_name + " (" + v.band +
                "), so there is some evidence of predictive signal.";
  else if (v.below)
    out += "That is below the 95% band around " + v.ref_name + " (" + v.band + "); the model is worse than chance here.";
  else
    out += "That is inside the 95% band around " + v.ref_name + " (" + v.band +
                "): no evidence the model predicts direction better than chance.";
  if (!v.wf.available) {
    if (!s.walk_forward.note.empty()) out += " There is no walk-forward evidence (" + s.walk_forward.note + ").";
  } else if (v.beats && !v.wf.beats) {
    out += " But the test-slice edge does not hold up walk-forward: " + v.wf.evidence + ".";
  } else if (v.wf.beats) {
    out += std::string(v.beats ? " Walk-forward over the whole history supports it: "
                                  : " Walk-forward over the whole history shows an edge the test slice alone did not: ") +
                v.wf.evidence + ", above the 95% band around " + v.wf.reference_name + ".";
  } else if (v.wf.below) {
    out += " Walk-forward over the whole history is below the 95% band around " + v.wf.reference_name + ": " +
                v.wf.evidence + ".";
  } else {
    out += " Walk-forward over the whole history shows no edge either: " + v.wf.evidence +
                ", inside the 95% band around " + v.wf.reference_name + ".";
  }
  if (s.paper.trades == 0)
    out += " The paper-trading strategy never traded (no prediction crossed its threshold), so it held cash while "
                "buy-and-hold returned " + spct(s.buy_hold.total_return) + ".";
  else
    out += " Paper trading the predictions returned " + spct(s.paper.total_return) + " against " +
                spct(s.buy_hold.total_return) + " for buy-and-hold over the same bars.";
  return out;
}

// The ML analysis.
std::string analysis_text(const msg::trial_summary& s, const verdict& v) {
  const auto& t = s.test;
  std::string out = "Accuracy train / validation / test: " + pct(s.train.accuracy) + " / " + pct(s.val.accuracy) + " / " +
               pct(t.accuracy) + ". Test ROC AUC " + fmt("%.3f", t.roc_auc) + ", balanced accuracy " +
               pct(t.balanced_accuracy) + ", log loss " + fmt("%.4f", t.log_loss) + " (0.6931 is a constant 50% guess), Brier " +
               fmt("%.4f", t.brier) + ". Always predicting the majority class would score " + pct(v.majority) +
               " on the test part. Confusion: " + std::to_string(t.tp) + " TP, " + std::to_string(t.fp) + " FP, " +
               std::to_string(t.tn) + " TN, " + std::to_string(t.fn) + " FN.";
  if (s.train.accuracy - t.accuracy > 0.1)
    out += " The gap between training (" + pct(s.train.accuracy) + ") and test accuracy shows overfitting.";
  out += " Split: train_ratio " + fmt("%.2f", s.plan.train_ratio) + ", horizon " + std::to_string(s.plan.horizon) +
                " bar(s), embargo of " + std::to_string(s.plan.horizon) + " bar(s) between parts; " +
                std::to_string(s.features) + " features; scaler fitted on training rows only. " + s.leakage_audit;
  if (s.test_vs_return.n > 0)
    out += " Rank correlation (IC) of P(up) with the realised forward return on the test part: " +
                  fmt("%.3f", s.test_vs_return.ic) + " (sign hit rate " + pct(s.test_vs_return.hit_rate) + ").";
  if (auto text = walk_forward_analysis(s.walk_forward, s.plan.horizon); !text.empty()) out += " " + text;
  if (!s.optimizer.empty()) out += " " + s.optimizer;
  out += validation_use_text(s.validation_use);
  if (!s.importance.empty()) {
    out += " Most important features:";
    for (std::size_t i = 0; i < s.importance.size() && i < 5; ++i)
      out += (i ? ", " : " ") + s.importance[i].first + " (" + fmt("%.3f", s.importance[i].second) + ")";
    out += ".";
  }
  return out;
}

// The trading insights.
std::string trading_text(const msg::trial_summary& s, const verdict& v) {
  std::string out = "Strategy (long when P(up) > " + fmt("%.2f", s.plan.paper.long_threshold) +
                       (s.plan.paper.allow_short ? ", short when P(up) < " + fmt("%.2f", s.plan.paper.short_threshold) : ", otherwise flat") +
                       ", fills at the next open, " + ml::describe_costs(s.plan.paper) + ", " +
                       ml::describe_sizing(s.plan.paper) + "): total return " + spct(s.paper.total_return) + ", Sharpe " + fmt("%.2f", s.paper.sharpe) +
                       ", max drawdown " + pct(s.paper.max_drawdown) + ", " + std::to_string(s.paper.trades) +
                       " trade(s), win rate " + pct(s.paper.win_rate) + ", exposure " + pct(s.paper.exposure) +
                       ", fees " + fmt("%.2f", s.paper.fees) + ". Buy-and-hold: " + spct(s.buy_hold.total_return) +
                       ", Sharpe " + fmt("%.2f", s.buy_hold.sharpe) + ", max drawdown " + pct(s.buy_hold.max_drawdown) + ". ";
  if (!s.sma_cross.empty()) {
    auto get = [&](const char* k) { auto it = s.sma_cross.find(k); return it == s.sma_cross.end() ? 0.0 : it->second; };
    out += "SMA(10,30) crossover on the same bars and costs: " + spct(get("total_return")) + ", Sharpe " +
                          fmt("%.2f", get("sharpe")) + ", max drawdown " + pct(get("max_drawdown")) + ", " +
                          fmt("%.0f", get("trades")) + " trade(s). ";
  }
  if (s.paper.trades == 0)
    out += "The strategy never traded, so the comparison with buy-and-hold says nothing about the model.";
  else if (std::fabs(v.excess) < 0.0005)
    out += "The strategy matched buy-and-hold: it was long nearly the whole time, so it added nothing.";
  else if (v.excess > 0 && s.paper.sharpe > s.buy_hold.sharpe)
    out += "The strategy beat buy-and-hold by " + spct(v.excess) + " with a better Sharpe ratio.";
  else if (v.excess > 0)
    out += "The strategy beat buy-and-hold by " + spct(v.excess) + " but not on a risk-adjusted basis.";
  else
    out += "The strategy trailed buy-and-hold by " + spct(-v.excess) + ".";
  if (auto text = walk_forward_trading(s.walk_forward); !text.empty()) out += " " + text;
  if (s.paper.trades > 0 && s.paper.trades < 10)
    out += " With only " + std::to_string(s.paper.trades) + " trade(s) the return says little about skill.";
  return out;
}

std::string recommendations_text(const msg::trial_summary& s, const verdict& v) {
  std::string out;
  // Recommendations, from the walk-forward run when there is one (its trading
  // covers every out-of-sample bar, not one slice).
  const auto& wfr = s.walk_forward;
  const bool wf_traded = v.wf.available && wfr.paper.final_equity > 0;
  const double trade_excess = wf_traded ? wfr.paper.total_return - wfr.buy_hold.total_return : v.excess;
  const int trade_count = wf_traded ? wfr.paper.trades : s.paper.trades;
  if (v.edge && trade_excess > 0 && trade_count >= 10)
    out = std::string(v.wf.available ? "Worth a closer look: the edge holds walk-forward (" + v.wf.evidence + "). "
                                                 : "Worth a closer look. ") +
                        "Re-run on other symbols, raise costs to a realistic level for your broker, and paper trade it "
                        "forward before committing capital.";
  else if (v.wf.available && v.beats && !v.wf.beats)
    out = "Do not trade this model: its test-slice edge does not hold up walk-forward (" + v.wf.evidence +
                        "); one good slice is what chance produces now and then. Try " +
                        std::string(s.plan.horizon == 1 ? "a longer horizon (e.g. 5 bars)" : "another horizon") +
                        ", different features, or another symbol.";
  else if (v.edge)
    out = "The direction signal does not survive trading as configured: try a higher long threshold so only "
                        "confident predictions trade, a longer horizon, or compare with an SMA crossover.";
  else
    out = "Do not trade this model. Try " +
                        std::string(s.plan.horizon == 1 ? "a longer horizon (e.g. 5 bars)" : "another horizon") +
                        ", different features, or another symbol; treat any single good-looking result with suspicion "
                        "until it repeats out of sample.";
  return out;
}

std::string caveats_text(const msg::trial_summary& s, const verdict& v) {
  const auto& t = s.test;
  const auto& wfr = s.walk_forward;
  std::string out;
  if (s.synthetic)
    out += "The data is SYNTHETIC (generated, not market prices): results say nothing about the real " + s.symbol + ". ";
  out += multiple_testing_text(s);
  if (auto it = s.paper_detail.find("dsr"); it != s.paper_detail.end() && s.paper.trades > 0) {
    auto psr = s.paper_detail.find("psr");
    auto counted = s.paper_detail.find("trials");
    out += ". Deflated Sharpe ratio " + fmt("%.2f", it->second) + " (the probability that the strategy's Sharpe is "
                 "real after " + fmt("%.0f", counted == s.paper_detail.end() ? 1.0 : counted->second) + " configuration(s), " +
                 (s.daemon_tested.with_sharpe >= 2 ? "with the variance of their validation Sharpe ratios"
                                                   : "with the Sharpe estimator's own variance, as fewer than two "
                                                     "configurations have a measured Sharpe") +
                 "; PSR " + fmt("%.2f", psr == s.paper_detail.end() ? 0.0 : psr->second) + ")";
  }
  out += ". The test part has " + std::to_string(t.n) + " bars, so accuracy is uncertain by about ±" +
               pct(v.half_band) + " (95%). Costs are modelled as " + ml::describe_costs(s.plan.paper) +
               ", the same for the strategy, buy-and-hold and the SMA crossover; past performance does not predict future returns.";
  if (v.wf.available && wfr.folds.size() > 1)
    out += " Walk-forward folds 1-" + std::to_string(wfr.folds.size() - 1) +
                 " predict rows that helped choose the configuration (training and validation rows); only the last "
                 "fold, the test part, is untouched by every choice.";
  for (const auto& w : s.warnings) out += " Data warning: " + w + ".";
  return out;
}

}  // namespace

msg::final_report write_rules_report(const msg::trial_summary& s) {
  const auto v = judge(s);
  msg::final_report r;
  r.trial_id = s.trial_id;
  r.brain = "rules";
  r.answer = answer_text(s, v);
  r.analysis = analysis_text(s, v);
  r.trading_insights = trading_text(s, v);
  r.recommendations = recommendations_text(s, v);
  r.caveats = caveats_text(s, v);
  return r;
}

void append_usage(msg::final_report& r, const std::string& brain, const std::string& model) {
  r.brain = brain;
  std::string line;
  if (brain == "rules" && r.llm_calls == 0) {
    line = "Brain: rules (deterministic, from the measured numbers; no LLM calls, 0 tokens).";
  } else {
    line = "Brain: " + brain + (model.empty() ? std::string() : " (" + model + ")") + "; " +
           std::to_string(r.llm_calls) + " LLM call(s) for this trial using " + std::to_string(r.input_tokens) +
           " input and " + std::to_string(r.output_tokens) + " output tokens";
    if (r.llm_fallbacks > 0)
      line += "; the rules brain answered " + std::to_string(r.llm_fallbacks) +
              " question(s) instead (see the transcript for why)";
    line += ".";
  }
  if (!r.caveats.empty() && r.caveats.back() != ' ') r.caveats += " ";
  r.caveats += line;
}

}  // namespace mlt::brain
