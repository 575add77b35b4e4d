#include "actors/agent/comparison.hpp"

#include <algorithm>
#include <cmath>

#include "actors/text_format.hpp"

namespace mlt::actors {

bool comparison::complete() const {
  return std::all_of(arms.begin(), arms.end(), [](const comparison_arm& a) { return a.done; });
}

namespace {

// Tokens an arm's LLM spent; the rules brain and the baseline spend none.
std::int64_t arm_tokens(const msg::final_report& r) { return r.input_tokens + r.output_tokens; }

}  // namespace

// Standard error of an accuracy estimated on n independent-ish bars; the
// person needs it to judge whether a difference between arms means anything.
double accuracy_se(double acc, std::size_t n) {
  return n > 0 ? std::sqrt(std::max(0.0, acc * (1 - acc)) / static_cast<double>(n)) : 0.0;
}

// The arms an LLM may have remembered, and which arms are the clean reference.
std::string contamination_text(const comparison& c) {
  std::string marked, clean, plan;
  for (const auto& a : c.arms) {
    if (!a.done || a.failed) continue;
    if (!a.remembers.empty()) marked += "  * " + a.label + ": " + a.remembers + ".\n";
    else clean += (clean.empty() ? "" : " and ") + a.label;
    if (plan.empty()) plan = a.plan_remembers;
  }
  std::string out;
  if (!marked.empty()) {
    out = "Possibly contaminated (an LLM that decided there may remember what happened in the test period):\n" + marked;
    if (clean.empty())
      out += "No arm is free of it: read every row with suspicion.\n";
    else
      out += "Those numbers may owe something to memory rather than skill; " + clean +
             (clean.find(" and ") == std::string::npos ? " is" : " are") +
             " the uncontaminated reference (no LLM decided there).\n";
  }
  if (!plan.empty())
    out += "The plan every arm shares was proposed by an LLM that may remember the test period (" + plan +
           "): its choices may carry that memory into every arm, the reference included.\n";
  return out;
}

std::string comparison_text(const comparison& c) {
  using text::fmt;
  using text::pad;
  using text::pct;
  using text::spct;
  std::string out = c.kind == "brains" ? "Did the agent help? The same approved plan, run once per brain:\n"
                                       : "The same plan, run once per model:\n";
  std::size_t w = 18;
  for (const auto& a : c.arms) w = std::max(w, a.label.size() + 4);
  out += "  " + pad("arm", w) + pad("trial", 7) + pad("test acc", 16) + pad("AUC", 7) + pad("logloss", 9) +
         pad("return", 9) + pad("B&H", 9) + pad("Sharpe", 8) + pad("maxDD", 8) + pad("decisions", 11) + "tokens\n";
  for (const auto& a : c.arms) {
    out += "  " + pad(a.label + (a.remembers.empty() ? "" : " *"), w) + pad("#" + msg::to_string(a.trial_id), 7);
    if (a.failed || !a.done) {
      out += a.failed ? "did not finish: " + a.failure : "still running";
      out += "\n";
      continue;
    }
    const auto& s = a.summary;
    out += pad(pct(s.test.accuracy) + " ±" + fmt("%.1f", 100 * accuracy_se(s.test.accuracy, s.test.n)), 16) +
           pad(fmt("%.3f", s.test.roc_auc), 7) + pad(fmt("%.4f", s.test.log_loss), 9) +
           pad(spct(s.paper.total_return), 9) + pad(spct(s.buy_hold.total_return), 9) +
           pad(fmt("%.2f", s.paper.sharpe), 8) + pad(pct(s.paper.max_drawdown), 8) +
           pad(std::to_string(s.decisions), 11) +
           std::to_string(arm_tokens(a.report)) + "\n";
  }
  // Differences against the baseline arm (listed last).
  if (c.arms.size() >= 2) {
    const auto& base = c.arms.back();
    if (base.done && !base.failed) {
      out += "Against " + base.label + " (test part, " + std::to_string(base.summary.test.n) + " bars):\n";
      for (std::size_t i = 0; i + 1 < c.arms.size(); ++i) {
        const auto& a = c.arms[i];
        if (!a.done || a.failed) continue;
        const double d_acc = a.summary.test.accuracy - base.summary.test.accuracy;
        const double se = std::hypot(accuracy_se(a.summary.test.accuracy, a.summary.test.n),
                                     accuracy_se(base.summary.test.accuracy, base.summary.test.n));
        out += "  " + a.label + ": accuracy " + fmt("%+.1f", 100 * d_acc) + " points (±" + fmt("%.1f", 100 * se) +
               " one standard error, unpaired), log loss " +
               fmt("%+.4f", a.summary.test.log_loss - base.summary.test.log_loss) + ", strategy return " +
               fmt("%+.1f", 100 * (a.summary.paper.total_return - base.summary.paper.total_return)) + " points";
        out += (se > 0 && std::fabs(d_acc) < 2 * se) ? " — within noise.\n" : ".\n";
      }
    }
  }
  out += contamination_text(c);
  out += "One split of one series is a single draw: a difference inside two standard errors is not evidence "
         "that one arm is better.";
  return out;
}

}  // namespace mlt::actors
