#include "ml/sim/engine.hpp"

#include "ml/sim/memory_hint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace mlt::ml::sim {

double commission_model::cost(double quantity, double price) const {
  switch (type) {
    case kind::none:
      return 0;
    case kind::bps:
      return quantity * price * rate * 1e-4;
    case kind::per_share:
      return std::max(minimum, quantity * rate);
    case kind::fixed:
      return rate;
    case kind::combined: {
      const double share_part = per_share > 0 || minimum > 0 ? std::max(minimum, quantity * per_share) : 0;
      return quantity * price * rate * 1e-4 + share_part + fixed;
    }
  }
  return 0;
}

double slippage_model::apply(double price, bool buy, const bar& b) const {
  const double adj = price * bps * 1e-4 + range_fraction * (b.high - b.low);
  return buy ? price + adj : price - adj;
}

engine::engine(engine_config config) : cfg_(config) { s_.cash = cfg_.cash; }

engine::engine(engine_config config, engine_state state)
    : cfg_(config), s_(std::move(state)) {}

namespace {

int sign_of(double x) { return x > 0 ? 1 : (x < 0 ? -1 : 0); }

}  // namespace

bool engine::has_pending_entry(order_target t) const {
  for (const order& o : s_.pending)
    if (o.parent == 0 && o.target == t) return true;
  return false;
}

bool engine::has_pending_entry() const {
  for (const order& o : s_.pending)
    if (o.parent == 0) return true;
  return false;
}

std::uint64_t engine::submit(order o) {
  if (o.target == order_target::go_short && !cfg_.allow_short) return 0;
  o.id = s_.next_id++;
  o.eligible_from = s_.started ? s_.last_time + 1 : std::numeric_limits<std::int64_t>::min();
  if (cfg_.sizing.type == sizing_rule::kind::vol_target && o.quantity == 0 && o.parent == 0)
    o.fraction = vol_fraction();
  s_.pending.push_back(o);
  return o.id;
}

std::uint64_t engine::submit_market(order_target target, bracket exits) {
  order o;
  o.kind = order_kind::market;
  o.target = target;
  o.exits = exits;
  return submit(o);
}

void engine::cancel_entries() {
  s_.pending.erase(std::remove_if(s_.pending.begin(), s_.pending.end(),
                                  [](const order& o) { return o.parent == 0; }),
                   s_.pending.end());
}

void engine::cancel_all() { s_.pending.clear(); }

void engine::reserve(std::size_t bars) {
  if (!record_equity_) return;
  const std::size_t want = s_.equity.size() + bars;
  if (want <= s_.equity.capacity()) return;
  s_.equity.reserve(want);
  advise_huge_pages(s_.equity.data(), s_.equity.capacity() * sizeof(equity_sample));
}

void engine::reset() {
  s_.cash = cfg_.cash;
  s_.position = 0;
  s_.current = trade{};
  s_.pending.clear();
  s_.next_id = 1;
  s_.started = false;
  s_.last_time = 0;
  s_.last_close = 0;
  s_.recent_closes.clear();
  s_.fees = 0;
  s_.slippage_cost = 0;
  s_.traded_notional = 0;
  s_.trades.clear();
  s_.fills.clear();
  s_.equity.clear();
}

void engine::remove_legs() {
  s_.pending.erase(std::remove_if(s_.pending.begin(), s_.pending.end(),
                                  [](const order& o) { return o.parent != 0; }),
                   s_.pending.end());
}

namespace {

// The side an order trades on when it fills now; go_flat buys only to cover a short.
bool buys(const order& o, double position) {
  switch (o.target) {
    case order_target::go_long:
      return true;
    case order_target::go_short:
      return false;
    case order_target::go_flat:
      return position < 0;
  }
  return true;
}

}  // namespace

bool engine::triggers_at_open(const order& o, const bar& b) const {
  if (o.kind == order_kind::market) return true;
  const bool buy = buys(o, s_.position);
  if (o.kind == order_kind::stop) return buy ? b.open >= o.price : b.open <= o.price;
  return buy ? b.open <= o.price : b.open >= o.price;
}

bool engine::triggers_inside(const order& o, const bar& b, double& price) const {
  const bool buy = buys(o, s_.position);
  bool hit = false;
  if (o.kind == order_kind::stop)
    hit = buy ? b.high >= o.price : b.low <= o.price;
  else if (o.kind == order_kind::limit)
    hit = buy ? b.low <= o.price : b.high >= o.price;
  if (hit) price = o.price;
  return hit;
}

void engine::fill_pending(const bar& b) {
  {
    // Orders created by fills at this open (bracket legs) have larger ids and
    // are not checked against the open they were born at.
    const std::uint64_t first_new_id = s_.next_id;
    auto eligible = [&](const order& o) { return o.eligible_from <= b.time; };

    for (bool again = true; again;) {
      again = false;
      for (std::size_t k = 0; k < s_.pending.size(); ++k) {
        const order o = s_.pending[k];
        if (o.id >= first_new_id || !eligible(o) || !triggers_at_open(o, b)) continue;
        s_.pending.erase(s_.pending.begin() + static_cast<std::ptrdiff_t>(k));
        execute(o, b.open, b, true);
        again = true;
        break;
      }
    }
    for (order_kind phase : {order_kind::stop, order_kind::limit}) {
      for (bool again = true; again;) {
        again = false;
        for (std::size_t k = 0; k < s_.pending.size(); ++k) {
          const order o = s_.pending[k];
          double price = 0;
          if (o.kind != phase || !eligible(o) || !triggers_inside(o, b, price)) continue;
          s_.pending.erase(s_.pending.begin() + static_cast<std::ptrdiff_t>(k));
          execute(o, price, b, false);
          again = true;
          break;
        }
      }
    }
  }
}

bool engine::process_bar(const bar& b) {
  if (s_.started && b.time <= s_.last_time) return false;
  if (!s_.pending.empty()) fill_pending(b);

  s_.started = true;
  s_.last_time = b.time;
  s_.last_close = b.close;
  if (s_.position != 0) ++s_.current.bars_held;
  if (cfg_.sizing.type == sizing_rule::kind::vol_target) {
    s_.recent_closes.push_back(b.close);
    const auto keep = static_cast<std::size_t>(std::max(cfg_.sizing.vol_lookback, 1)) + 1;
    if (s_.recent_closes.size() > keep)
      s_.recent_closes.erase(s_.recent_closes.begin(),
                             s_.recent_closes.end() - static_cast<std::ptrdiff_t>(keep));
  }
  if (record_equity_)
    s_.equity.push_back({b.time, s_.cash + s_.position * b.close, s_.position, b.close});
  return true;
}

void engine::execute(const order& o, double raw_price, const bar& b, bool at_open) {
  const bool slip = o.kind != order_kind::limit;
  if (o.parent != 0) {
    if (s_.position != 0) close_position(raw_price, b, o.id, o.reason, slip);
    return;
  }
  const int want = o.target == order_target::go_long ? 1 : (o.target == order_target::go_short ? -1 : 0);
  const int have = sign_of(s_.position);
  if (want == have) return;
  if (have != 0) close_position(raw_price, b, o.id, fill_reason::order, slip);
  if (want != 0) open_position(o, want, raw_price, b, slip, at_open);
}

void engine::close_position(double raw_price, const bar& b, std::uint64_t order_id,
                            fill_reason reason, bool slip) {
  const double q = -s_.position;
  const bool buy = q > 0;
  const double px = slip ? cfg_.slippage.apply(raw_price, buy, b) : raw_price;
  const double size = std::abs(q);
  const double comm = cfg_.commission.cost(size, px);
  s_.cash -= q * px + comm;
  s_.fees += comm;
  s_.slippage_cost += size * std::abs(px - raw_price);
  s_.traded_notional += size * px;
  s_.fills.push_back({order_id, b.time, q, px, comm, size * std::abs(px - raw_price), reason});

  trade t = s_.current;
  t.exit_time = b.time;
  t.exit_price = px;
  t.mark_price = px;
  t.commission += comm;
  t.pnl = t.direction * t.size * (px - t.entry_price) - t.commission;
  t.ret = t.pnl / (t.size * t.entry_price);
  t.open = false;
  t.exit_reason = reason;
  s_.trades.push_back(t);
  s_.current = trade{};
  s_.position = 0;
  remove_legs();
}

double engine::vol_fraction() const {
  const auto& c = s_.recent_closes;
  if (c.size() < 3) return 0;
  const std::size_t n = c.size() - 1;
  double mean = 0;
  for (std::size_t i = 1; i < c.size(); ++i) mean += std::log(c[i] / c[i - 1]);
  mean /= static_cast<double>(n);
  double ss = 0;
  for (std::size_t i = 1; i < c.size(); ++i) {
    const double d = std::log(c[i] / c[i - 1]) - mean;
    ss += d * d;
  }
  const double vol = std::sqrt(ss / static_cast<double>(n - 1) * cfg_.sizing.periods_per_year);
  return vol > 0 ? cfg_.sizing.value / vol : 0;
}

double engine::entry_quantity(const order& o, double price) const {
  if (price <= 0 || s_.cash <= 0) return 0;
  // Flat at this point, so equity == cash.
  const double equity = s_.cash;
  const double lev = std::max(cfg_.leverage, 0.0);
  double budget = equity * lev;
  double requested = std::numeric_limits<double>::infinity();
  if (o.quantity > 0) {
    requested = o.quantity;
  } else {
    switch (cfg_.sizing.type) {
      case sizing_rule::kind::all:
        break;
      case sizing_rule::kind::units:
        requested = cfg_.sizing.value;
        break;
      case sizing_rule::kind::fraction:
        budget = equity * std::min(std::max(cfg_.sizing.value, 0.0), lev);
        break;
      case sizing_rule::kind::vol_target:
        budget = equity * std::min(std::max(o.fraction, 0.0), lev);
        break;
    }
  }
  // Largest q with q * price + commission(q, price) <= budget.
  const commission_model& c = cfg_.commission;
  double q = 0;
  switch (c.type) {
    case commission_model::kind::none:
      q = budget / price;
      break;
    case commission_model::kind::bps:
      q = budget / (price * (1 + c.rate * 1e-4));
      break;
    case commission_model::kind::per_share: {
      q = budget / (price + c.rate);
      if (q * c.rate < c.minimum) q = (budget - c.minimum) / price;
      break;
    }
    case commission_model::kind::fixed:
      q = (budget - c.rate) / price;
      break;
    case commission_model::kind::combined: {
      const double unit = price * (1 + c.rate * 1e-4);
      q = (budget - c.fixed) / (unit + c.per_share);
      if ((c.per_share > 0 || c.minimum > 0) && q * c.per_share < c.minimum) q = (budget - c.fixed - c.minimum) / unit;
      break;
    }
  }
  q = std::min(q, requested);
  if (!cfg_.fractional) {
    q = std::floor(q + 1e-9);
    while (q > 0 && q * price + c.cost(q, price) > budget * (1 + 1e-12)) q -= 1;
  }
  return q > 0 ? q : 0;
}

void engine::open_position(const order& o, int direction, double raw_price, const bar& b,
                           bool slip, bool at_open) {
  const bool buy = direction > 0;
  const double px = slip ? cfg_.slippage.apply(raw_price, buy, b) : raw_price;
  const double size = entry_quantity(o, px);
  if (size <= 0) return;
  const double q = direction * size;
  const double comm = cfg_.commission.cost(size, px);
  s_.cash -= q * px + comm;
  s_.fees += comm;
  s_.slippage_cost += size * std::abs(px - raw_price);
  s_.traded_notional += size * px;
  s_.fills.push_back({o.id, b.time, q, px, comm, size * std::abs(px - raw_price), fill_reason::order});
  s_.position = q;

  trade t;
  t.direction = direction;
  t.size = size;
  t.entry_time = b.time;
  t.entry_price = px;
  t.commission = comm;
  t.open = true;
  s_.current = t;

  const std::int64_t from = at_open ? b.time : b.time + 1;
  if (o.exits.stop_loss > 0) {
    order sl;
    sl.id = s_.next_id++;
    sl.kind = order_kind::stop;
    sl.target = order_target::go_flat;
    sl.price = px * (1 - direction * o.exits.stop_loss);
    sl.eligible_from = from;
    sl.parent = o.id;
    sl.reason = fill_reason::stop_loss;
    s_.pending.push_back(sl);
  }
  if (o.exits.take_profit > 0) {
    order tp;
    tp.id = s_.next_id++;
    tp.kind = order_kind::limit;
    tp.target = order_target::go_flat;
    tp.price = px * (1 + direction * o.exits.take_profit);
    tp.eligible_from = from;
    tp.parent = o.id;
    tp.reason = fill_reason::take_profit;
    s_.pending.push_back(tp);
  }
}

std::vector<trade> engine::trades_with_open() const {
  std::vector<trade> out = s_.trades;
  if (s_.position != 0) {
    trade t = s_.current;
    t.mark_price = s_.last_close;
    t.pnl = t.direction * t.size * (s_.last_close - t.entry_price) - t.commission;
    t.ret = t.pnl / (t.size * t.entry_price);
    t.open = true;
    out.push_back(t);
  }
  return out;
}

void run(engine& e, strategy& s, const std::vector<bar>& bars, std::size_t first,
         std::size_t last) {
  if (bars.empty()) return;
  last = std::min(last, bars.size() - 1);
  if (first > last) return;
  e.reserve(last - first + 1);
  for (std::size_t i = first; i <= last; ++i)
    if (e.process_bar(bars[i])) s.on_bar(e, bars, i);
}

}  // namespace mlt::ml::sim
