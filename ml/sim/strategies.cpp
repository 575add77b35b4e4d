#include "ml/sim/strategies.hpp"

#include <algorithm>
#include <cmath>

namespace mlt::ml::sim {

void move_to(engine& e, order_target target, const bracket& exits) {
  if (e.has_pending_entry(target)) return;
  e.cancel_entries();
  const double pos = e.position();
  const bool there = (target == order_target::go_long && pos > 0) ||
                     (target == order_target::go_short && pos < 0) ||
                     (target == order_target::go_flat && pos == 0);
  if (!there) e.submit_market(target, exits);
}

order_target target_for(double value, const signal_rule& rule) {
  if (value > rule.long_above) return order_target::go_long;
  if (rule.allow_short && value < rule.short_below) return order_target::go_short;
  return order_target::go_flat;
}

model_signal_strategy::model_signal_strategy(const std::vector<std::size_t>& bar_index,
                                             const double* values, signal_rule rule)
    : index_(bar_index), values_(values), rule_(rule) {}

void model_signal_strategy::on_bar(engine& e, const std::vector<bar>&, std::size_t i) {
  while (k_ < index_.size() && index_[k_] < i) ++k_;
  if (k_ >= index_.size() || index_[k_] != i) return;
  if (!std::isfinite(values_[k_])) return;  // no prediction: hold, never read as "flat"
  move_to(e, target_for(values_[k_], rule_), rule_.exits);
}

void buy_hold_strategy::on_bar(engine& e, const std::vector<bar>&, std::size_t) {
  if (done_) return;
  done_ = true;
  e.submit_market(order_target::go_long);
}

sma_cross_strategy::sma_cross_strategy(int fast, int slow, bool allow_short, bracket exits)
    : fast_(fast), slow_(slow), allow_short_(allow_short), exits_(exits) {}

double sma_cross_strategy::window_sum(const std::vector<bar>& bars, std::size_t i, int n) const {
  double s = 0;
  for (std::size_t j = i + 1 - static_cast<std::size_t>(n); j <= i; ++j) s += bars[j].close;
  return s;
}

void sma_cross_strategy::on_bar(engine& e, const std::vector<bar>& bars, std::size_t i) {
  const auto need = static_cast<std::size_t>(std::max(fast_, slow_));
  if (i + 1 < need) {
    have_ = false;
    have_prev_ = false;
    return;
  }
  if (have_ && i == last_ + 1 && since_refresh_ < 4096) {
    sum_fast_ += bars[i].close - bars[i - static_cast<std::size_t>(fast_)].close;
    sum_slow_ += bars[i].close - bars[i - static_cast<std::size_t>(slow_)].close;
    ++since_refresh_;
  } else {
    if (!(have_ && i == last_ + 1)) {
      have_prev_ = i >= need;
      if (have_prev_) {
        prev_fast_ = window_sum(bars, i - 1, fast_) / fast_;
        prev_slow_ = window_sum(bars, i - 1, slow_) / slow_;
      }
    }
    sum_fast_ = window_sum(bars, i, fast_);
    sum_slow_ = window_sum(bars, i, slow_);
    since_refresh_ = 0;
  }
  have_ = true;
  last_ = i;
  const double f = sum_fast_ / fast_;
  const double s = sum_slow_ / slow_;
  if (have_prev_) {
    if (prev_fast_ < prev_slow_ && f > s)
      move_to(e, order_target::go_long, exits_);
    else if (prev_fast_ > prev_slow_ && f < s)
      move_to(e, allow_short_ ? order_target::go_short : order_target::go_flat, exits_);
  }
  prev_fast_ = f;
  prev_slow_ = s;
  have_prev_ = true;
}

}  // namespace mlt::ml::sim
