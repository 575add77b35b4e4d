#pragma once
/// Built-in strategies for the simulator: model signals and the baselines.

#include <cstddef>
#include <vector>

#include "ml/sim/engine.hpp"

namespace mlt::ml::sim {

/// Moves the engine towards `target` with a market order unless it is already
/// there or an entry to it is pending; replaces any other pending entry.
void move_to(engine& e, order_target target, const bracket& exits = {});

/// Trades a model output known at the close of bars[bar_index[k]]:
/// long when value > long_above, short when value < short_below (and shorting
/// is allowed), flat otherwise. Serves probabilities (e.g. 0.55 / 0.45) and
/// regression forecasts of the next return (e.g. 0 / 0). Between signal bars,
/// and on a non-finite value (no prediction), the position is held.
struct signal_rule {
  double long_above = 0.55;
  double short_below = 0.45;
  bool allow_short = false;
  bracket exits;  ///< attached to every entry
};

/// The target side for one model output.
order_target target_for(double value, const signal_rule& rule);

class model_signal_strategy : public strategy {
 public:
  /// `bar_index` strictly increasing; `values[k]` belongs to bar_index[k]. Both are borrowed.
  model_signal_strategy(const std::vector<std::size_t>& bar_index, const double* values,
                        signal_rule rule);
  void on_bar(engine& e, const std::vector<bar>& bars, std::size_t i) override;

 private:
  const std::vector<std::size_t>& index_;
  const double* values_;
  signal_rule rule_;
  std::size_t k_ = 0;
};

/// Goes long at the first opportunity and holds to the end.
class buy_hold_strategy : public strategy {
 public:
  void on_bar(engine& e, const std::vector<bar>& bars, std::size_t i) override;

 private:
  bool done_ = false;
};

/// SMA crossover on closes. `fast` may be 1 (the close itself). An up-cross
/// (fast below slow at the previous close, above at this one) goes long; a
/// down-cross goes short when allowed, else flat. Equal values are no cross.
class sma_cross_strategy : public strategy {
 public:
  sma_cross_strategy(int fast, int slow, bool allow_short, bracket exits = {});
  void on_bar(engine& e, const std::vector<bar>& bars, std::size_t i) override;

 private:
  double window_sum(const std::vector<bar>& bars, std::size_t i, int n) const;

  int fast_, slow_;
  bool allow_short_;
  bracket exits_;
  // Rolling sums for bars ending at last_; refreshed from scratch every so
  // often so rounding drift cannot build up over millions of bars.
  bool have_ = false;
  std::size_t last_ = 0;
  std::size_t since_refresh_ = 0;
  double sum_fast_ = 0, sum_slow_ = 0;
  double prev_fast_ = 0, prev_slow_ = 0;
  bool have_prev_ = false;
};

}  // namespace mlt::ml::sim
