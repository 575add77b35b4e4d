#include "actors/text_format.hpp"
#include "actors/brain/report_writer.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace mlt::brain {

namespace {

using actors::text::fmt;
using actors::text::pct;
using actors::text::spct;

}  // namespace

msg::final_report write_rules_report(const msg::trial_summary& s) {
  msg::final_report r;
  r.trial_id = s.trial_id;
  r.brain = "rules";
  const auto& t = s.test;
  const double n = std::max<double>(1.0, static_cast<double>(t.n));
  // Skill is judged against the better of a coin flip and always predicting
  // the majority class: a model that says "down" every day on a falling
  // market scores the base rate and has no skill.
  const double majority = std::max(t.base_rate, 1.0 - t.base_rate);
  const double ref = std::max(0.5, majority);
  const double half_band = 1.96 * std::sqrt(ref * (1.0 - ref) / n);
  const bool one_class = (t.tp + t.fp == 0) || (t.tn + t.fn == 0);
  const bool beats = !one_class && t.accuracy > ref + half_band;
  const bool below = t.accuracy < ref - half_band;
  const std::string data_kind = s.synthetic ? "synthetic " : "";
  const double excess = s.paper.total_return - s.buy_hold.total_return;
  const std::string band = pct(ref - half_band) + " to " + pct(ref + half_band);
  const std::string ref_name = majority > 0.5 ? "the majority-class rate " + pct(majority) : "a coin flip";

  // Direct answer.
  r.answer = "On " + data_kind + s.symbol + " daily data (" + s.first_date + " to " + s.last_date + ", " +
             std::to_string(s.bars) + " bars, source " + s.data_source +
             (s.synthetic || s.data_origin.empty() ? "" : ": " + s.data_origin) + "), " + s.model +
             " predicted the direction of the close " + (s.plan.horizon == 1 ? std::string("one bar") : std::to_string(s.plan.horizon) + " bars") +
             " ahead with out-of-sample accuracy " + pct(t.accuracy) + " on " +
             std::to_string(t.n) + " test bars (" + s.test_first_date + " to " + s.test_last_date + "). ";
  if (one_class)
    r.answer += "It predicted the same direction for every test bar, so its accuracy is just the base rate: no skill.";
  else if (beats)
    r.answer += "That is above the 95% band around " + ref_name + " (" + band +
                "), so there is some evidence of predictive signal.";
  else if (below)
    r.answer += "That is below the 95% band around " + ref_name + " (" + band + "); the model is worse than chance here.";
  else
    r.answer += "That is inside the 95% band around " + ref_name + " (" + band +
                "): no evidence the model predicts direction better than chance.";
  if (s.paper.trades == 0)
    r.answer += " The paper-trading strategy never traded (no prediction crossed its threshold), so it held cash while "
                "buy-and-hold returned " + spct(s.buy_hold.total_return) + ".";
  else
    r.answer += " Paper trading the predictions returned " + spct(s.paper.total_return) + " against " +
                spct(s.buy_hold.total_return) + " for buy-and-hold over the same bars.";

  // ML analysis.
  r.analysis = "Accuracy train / validation / test: " + pct(s.train.accuracy) + " / " + pct(s.val.accuracy) + " / " +
               pct(t.accuracy) + ". Test ROC AUC " + fmt("%.3f", t.roc_auc) + ", balanced accuracy " +
               pct(t.balanced_accuracy) + ", log loss " + fmt("%.4f", t.log_loss) + " (0.6931 is a constant 50% guess), Brier " +
               fmt("%.4f", t.brier) + ". Always predicting the majority class would score " + pct(majority) +
               " on the test part. Confusion: " + std::to_string(t.tp) + " TP, " + std::to_string(t.fp) + " FP, " +
               std::to_string(t.tn) + " TN, " + std::to_string(t.fn) + " FN.";
  if (s.train.accuracy - t.accuracy > 0.1)
    r.analysis += " The gap between training (" + pct(s.train.accuracy) + ") and test accuracy shows overfitting.";
  r.analysis += " Split: train_ratio " + fmt("%.2f", s.plan.train_ratio) + ", horizon " + std::to_string(s.plan.horizon) +
                " bar(s), embargo of " + std::to_string(s.plan.horizon) + " bar(s) between parts; " +
                std::to_string(s.features) + " features; scaler fitted on training rows only. " + s.leakage_audit;
  if (s.test_vs_return.n > 0)
    r.analysis += " Rank correlation (IC) of P(up) with the realised forward return on the test part: " +
                  fmt("%.3f", s.test_vs_return.ic) + " (sign hit rate " + pct(s.test_vs_return.hit_rate) + ").";
  if (!s.optimizer.empty()) r.analysis += " " + s.optimizer;
  if (!s.importance.empty()) {
    r.analysis += " Most important features:";
    for (std::size_t i = 0; i < s.importance.size() && i < 5; ++i)
      r.analysis += (i ? ", " : " ") + s.importance[i].first + " (" + fmt("%.3f", s.importance[i].second) + ")";
    r.analysis += ".";
  }

  // Trading insights.
  r.trading_insights = "Strategy (long when P(up) > " + fmt("%.2f", s.plan.paper.long_threshold) +
                       (s.plan.paper.allow_short ? ", short when P(up) < " + fmt("%.2f", s.plan.paper.short_threshold) : ", otherwise flat") +
                       ", fills at the next open, commission " + fmt("%.1f", s.plan.paper.commission_bps) +
                       " bps): total return " + spct(s.paper.total_return) + ", Sharpe " + fmt("%.2f", s.paper.sharpe) +
                       ", max drawdown " + pct(s.paper.max_drawdown) + ", " + std::to_string(s.paper.trades) +
                       " trade(s), win rate " + pct(s.paper.win_rate) + ", exposure " + pct(s.paper.exposure) +
                       ", fees " + fmt("%.2f", s.paper.fees) + ". Buy-and-hold: " + spct(s.buy_hold.total_return) +
                       ", Sharpe " + fmt("%.2f", s.buy_hold.sharpe) + ", max drawdown " + pct(s.buy_hold.max_drawdown) + ". ";
  if (!s.sma_cross.empty()) {
    auto get = [&](const char* k) { auto it = s.sma_cross.find(k); return it == s.sma_cross.end() ? 0.0 : it->second; };
    r.trading_insights += "SMA(10,30) crossover on the same bars and costs: " + spct(get("total_return")) + ", Sharpe " +
                          fmt("%.2f", get("sharpe")) + ", max drawdown " + pct(get("max_drawdown")) + ", " +
                          fmt("%.0f", get("trades")) + " trade(s). ";
  }
  if (s.paper.trades == 0)
    r.trading_insights += "The strategy never traded, so the comparison with buy-and-hold says nothing about the model.";
  else if (std::fabs(excess) < 0.0005)
    r.trading_insights += "The strategy matched buy-and-hold: it was long nearly the whole time, so it added nothing.";
  else if (excess > 0 && s.paper.sharpe > s.buy_hold.sharpe)
    r.trading_insights += "The strategy beat buy-and-hold by " + spct(excess) + " with a better Sharpe ratio.";
  else if (excess > 0)
    r.trading_insights += "The strategy beat buy-and-hold by " + spct(excess) + " but not on a risk-adjusted basis.";
  else
    r.trading_insights += "The strategy trailed buy-and-hold by " + spct(-excess) + ".";
  if (s.paper.trades > 0 && s.paper.trades < 10)
    r.trading_insights += " With only " + std::to_string(s.paper.trades) + " trade(s) the return says little about skill.";

  // Recommendations.
  if (beats && excess > 0 && s.paper.trades >= 10)
    r.recommendations = "Worth a closer look: re-run on other periods and symbols (walk-forward), raise costs to a realistic "
                        "level for your broker, and paper trade it forward before committing capital.";
  else if (beats)
    r.recommendations = "The direction signal does not survive trading as configured: try a higher long threshold so only "
                        "confident predictions trade, a longer horizon, or compare with an SMA crossover.";
  else
    r.recommendations = "Do not trade this model. Try " +
                        std::string(s.plan.horizon == 1 ? "a longer horizon (e.g. 5 bars)" : "another horizon") +
                        ", different features, or another symbol; treat any single good-looking result with suspicion "
                        "until it repeats out of sample.";

  // Caveats.
  if (s.synthetic)
    r.caveats += "The data is SYNTHETIC (generated, not market prices): results say nothing about the real " + s.symbol + ". ";
  r.caveats += std::to_string(s.configurations_tried) + " model configuration(s) were fitted in this trial";
  if (s.configurations_tried > 1)
    r.caveats += "; the more configurations are tried, the more the best one overstates its true skill (multiple testing)";
  if (auto it = s.paper_detail.find("dsr"); it != s.paper_detail.end() && s.paper.trades > 0) {
    auto psr = s.paper_detail.find("psr");
    r.caveats += ". Deflated Sharpe ratio " + fmt("%.2f", it->second) + " (the probability that the strategy's Sharpe is "
                 "real after " + std::to_string(std::max(1, s.configurations_tried)) + " configuration(s); PSR " +
                 fmt("%.2f", psr == s.paper_detail.end() ? 0.0 : psr->second) + ")";
  }
  r.caveats += ". The test part has " + std::to_string(t.n) + " bars, so accuracy is uncertain by about ±" +
               pct(half_band) + " (95%). Costs are modelled as " + fmt("%.1f", s.plan.paper.commission_bps) +
               " bps per fill" + (s.plan.paper.slippage_bps > 0 ? " plus slippage" : " with no slippage") +
               "; past performance does not predict future returns.";
  for (const auto& w : s.warnings) r.caveats += " Data warning: " + w + ".";
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
