#pragma once
/// Event-driven bar simulator: one engine for backtests and forward paper
/// trading on a single instrument.
///
/// Time is injected: the only clock is the timestamp of the bar being
/// processed; nothing here reads the wall clock. Iteration order is fixed, so
/// a replay of the same bars and orders gives the same fills bit for bit.
///
/// Bar cycle (`process_bar`):
///  1. At the open: pending orders eligible for this bar are visited in id
///     order. Market orders fill at the open; a stop or limit whose price the
///     open has already gapped through fills at the open (a stop-loss gapped
///     through does not get its stop price).
///  2. Inside the bar: remaining stops fill at their stop price when the range
///     reaches it, then limits at their limit price. Stops before limits means
///     that when a bracket's stop-loss and take-profit both lie inside one
///     bar, the stop-loss is taken (the path inside a bar is unknown, so we
///     assume the worse one).
///  3. At the close: the position is marked; equity = cash + position * close.
/// Orders submitted after `process_bar(b)` (at b's close) are eligible from
/// the next bar on, so no order fills on the bar whose close formed it.
///
/// Orders express a target (long, short or flat), not a quantity to add: an
/// entry against an open position first closes it at the same fill price,
/// then opens the new side sized by `sizing_rule` from the equity left.
/// Bracket legs of an entry filled at the open may trigger later in the same
/// bar; legs of an entry filled inside the bar wait for the next bar.
///
/// Slippage is adverse and applies to market and stop fills; limit fills get
/// their limit price (or the better open).
///
/// There are no margin calls or borrow fees: a losing short can take equity
/// below zero, and an entry needs positive equity. An order that cannot buy a
/// single share (whole shares) is dropped without a fill.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ml/market/bar.hpp"

namespace mlt::ml::sim {

/// Commission charged on every fill. `combined` adds the three charges a
/// trial plan can name: `rate` bps of notional, `per_share` per share (at
/// least `minimum` when per_share or minimum is set) and `fixed` per order.
struct commission_model {
  enum class kind : std::uint8_t { none, bps, per_share, fixed, combined };
  kind type = kind::none;
  double rate = 0;     ///< bps of notional, currency per share, or currency per order
  double minimum = 0;  ///< minimum per order (per_share and combined)
  double per_share = 0;  ///< combined only: currency per share
  double fixed = 0;      ///< combined only: currency per order

  /// Commission for one fill of `quantity` (> 0) shares at `price`.
  double cost(double quantity, double price) const;
};

/// Adverse price move applied to market and stop fills.
struct slippage_model {
  double bps = 0;             ///< fraction of the price, in basis points
  double range_fraction = 0;  ///< fraction of the fill bar's high - low

  /// The price actually paid (buy) or received (sell) for a reference `price`.
  double apply(double price, bool buy, const bar& b) const;
};

/// How many shares an entry buys or sells short.
struct sizing_rule {
  enum class kind : std::uint8_t { all, units, fraction, vol_target };
  kind type = kind::all;
  /// units: shares; fraction: share of equity (notional / equity);
  /// vol_target: annualised volatility target (e.g. 0.15).
  double value = 1;
  int vol_lookback = 20;          ///< bars of close-to-close log returns (vol_target)
  double periods_per_year = 252;  ///< annualises the bar volatility (vol_target)
};

/// Everything that decides fills and costs; fixed for one run.
struct engine_config {
  double cash = 100000;
  commission_model commission;
  slippage_model slippage;
  sizing_rule sizing;
  bool fractional = false;   ///< fractional shares; otherwise whole shares (rounded down)
  bool allow_short = false;  ///< a go_short order is rejected when false
  double leverage = 1;       ///< cap on entry notional + commission as a multiple of equity
};

enum class order_kind : std::uint8_t { market, limit, stop };
enum class order_target : std::uint8_t { go_long, go_short, go_flat };
/// Why a fill happened.
enum class fill_reason : std::uint8_t { order, stop_loss, take_profit };

/// Bracket of an entry: exits at fractions away from the entry fill price (0 = none).
struct bracket {
  double stop_loss = 0;    ///< e.g. 0.02: a long exits at entry * 0.98 or below
  double take_profit = 0;  ///< e.g. 0.04: a long exits at entry * 1.04 or above
};

/// A working order. Bracket legs are orders whose `parent` is the entry's id.
struct order {
  std::uint64_t id = 0;
  order_kind kind = order_kind::market;
  order_target target = order_target::go_flat;
  double price = 0;     ///< limit or stop price
  double quantity = 0;  ///< shares for an entry; 0 = from the sizing rule
  double fraction = 0;  ///< equity fraction fixed at submission (vol_target)
  bracket exits;
  std::int64_t eligible_from = 0;  ///< fills only on bars with time >= this
  std::uint64_t parent = 0;        ///< entry id for a bracket leg, else 0
  fill_reason reason = fill_reason::order;
};

/// An executed fill (one side of one transaction); never changes once made.
struct fill {
  std::uint64_t order_id = 0;
  std::int64_t time = 0;
  double quantity = 0;  ///< signed: + bought, - sold
  double price = 0;     ///< after slippage
  double commission = 0;
  double slippage = 0;  ///< cost of slippage in currency (>= 0)
  fill_reason reason = fill_reason::order;
};

/// A round trip (or the open position, when `open`).
struct trade {
  int direction = 1;  ///< +1 long, -1 short
  double size = 0;    ///< shares (> 0)
  std::int64_t entry_time = 0;
  double entry_price = 0;
  std::int64_t exit_time = 0;  ///< 0 while open
  double exit_price = 0;       ///< 0 while open
  double mark_price = 0;       ///< exit price, or the last close while open
  double commission = 0;       ///< entry + exit
  double pnl = 0;              ///< net of commission; marked while open
  double ret = 0;              ///< pnl / entry notional
  int bars_held = 0;           ///< closes seen with the position on
  bool open = false;
  fill_reason exit_reason = fill_reason::order;
};

struct equity_sample {
  std::int64_t time = 0;
  double equity = 0;
  double position = 0;  ///< signed shares at the close
  double close = 0;
};

/// The engine's whole mutable state: plain data, so a forward paper portfolio
/// can be saved and resumed exactly.
struct engine_state {
  double cash = 0;
  double position = 0;  ///< signed shares
  trade current;        ///< the open trade when position != 0
  std::vector<order> pending;
  std::uint64_t next_id = 1;
  bool started = false;
  std::int64_t last_time = 0;  ///< last processed bar
  double last_close = 0;
  std::vector<double> recent_closes;  ///< last vol_lookback + 1 closes (vol_target)
  double fees = 0;
  double slippage_cost = 0;
  double traded_notional = 0;
  std::vector<trade> trades;  ///< closed round trips
  std::vector<fill> fills;
  std::vector<equity_sample> equity;
};

class engine {
 public:
  explicit engine(engine_config config);
  /// Resumes from a saved state (forward paper trading).
  engine(engine_config config, engine_state state);

  /// Runs one bar (fills, then the mark). Returns false and changes nothing
  /// when the bar is not later than the last one processed.
  bool process_bar(const bar& b);

  /// Submits at the close of the last processed bar; eligible from the next
  /// bar. Returns the order id, or 0 when rejected (short not allowed).
  std::uint64_t submit(order o);
  /// Market order to a target side.
  std::uint64_t submit_market(order_target target, bracket exits = {});
  /// Cancels every working entry order (bracket legs stay with the position).
  void cancel_entries();
  /// Cancels every working order, bracket legs included.
  void cancel_all();
  /// Starts over with `config().cash` and no history, keeping allocated memory
  /// (parameter sweeps over the same bars).
  void reset();

  double cash() const { return s_.cash; }
  double position() const { return s_.position; }
  /// Cash plus the position marked at the last close.
  double equity() const { return s_.cash + s_.position * s_.last_close; }
  const engine_state& state() const { return s_; }
  const engine_config& config() const { return cfg_; }
  /// True when a working entry order (not a bracket leg) targets `t`.
  bool has_pending_entry(order_target t) const;
  bool has_pending_entry() const;
  /// Turns the per-bar equity samples off (or on); statistics need them.
  void set_record_equity(bool on) { record_equity_ = on; }
  /// Reserves room for `bars` more equity samples (huge pages for long runs).
  void reserve(std::size_t bars);
  /// The open trade marked to the last close, if any, else nothing.
  std::vector<trade> trades_with_open() const;

 private:
  void fill_pending(const bar& b);
  bool triggers_at_open(const order& o, const bar& b) const;
  bool triggers_inside(const order& o, const bar& b, double& price) const;
  void execute(const order& o, double raw_price, const bar& b, bool at_open);
  void close_position(double raw_price, const bar& b, std::uint64_t order_id,
                      fill_reason reason, bool slip);
  void open_position(const order& o, int direction, double raw_price, const bar& b,
                     bool slip, bool at_open);
  double entry_quantity(const order& o, double price) const;
  double vol_fraction() const;
  void remove_legs();

  engine_config cfg_;
  engine_state s_;
  bool record_equity_ = true;
  std::vector<order> scratch_;
};

/// Called at the close of each bar, after the engine processed it.
class strategy {
 public:
  virtual ~strategy() = default;
  /// May submit or cancel orders; they are eligible from bar i + 1.
  virtual void on_bar(engine& e, const std::vector<bar>& bars, std::size_t i) = 0;
};

/// Drives `e` over bars[first..last] (inclusive), calling `s` at each close.
void run(engine& e, strategy& s, const std::vector<bar>& bars, std::size_t first,
         std::size_t last);

}  // namespace mlt::ml::sim
