#include "ml/sim/portfolio.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include <simdjson.h>

#include "messages/json_writer.hpp"

namespace mlt::ml::sim {

paper_portfolio make_portfolio(std::string symbol, std::string model, engine_config config,
                               signal_rule rule) {
  paper_portfolio p;
  p.symbol = std::move(symbol);
  p.model = std::move(model);
  p.config = config;
  p.rule = rule;
  p.state.cash = config.cash;
  return p;
}

portfolio_update advance(paper_portfolio& p, const std::vector<bar>& bars,
                         const std::vector<double>& signal) {
  return advance(p, bars, signal, nullptr);
}

performance portfolio_performance(const paper_portfolio& p, const std::string& timespan) {
  return compute_performance(engine(p.config, p.state), timespan);
}

portfolio_update advance(paper_portfolio& p, const std::vector<bar>& bars,
                         const std::vector<double>& signal,
                         const std::function<void(const portfolio_step&)>& on_step) {
  if (bars.size() != signal.size())
    throw std::invalid_argument("paper portfolio " + p.symbol + "/" + p.model + ": " +
                                std::to_string(bars.size()) + " bars but " +
                                std::to_string(signal.size()) + " model outputs");
  portfolio_update u;
  const std::size_t fills_before = p.state.fills.size();
  const std::size_t trades_before = p.state.trades.size();
  engine e(p.config, std::move(p.state));
  for (std::size_t k = 0; k < bars.size(); ++k) {
    const std::size_t fills_at = e.state().fills.size();
    if (!e.process_bar(bars[k])) {
      ++u.skipped_bars;
      continue;
    }
    ++u.new_bars;
    if (on_step) {
      portfolio_step step;
      step.at = &bars[k];
      step.fills.assign(e.state().fills.begin() + static_cast<std::ptrdiff_t>(fills_at),
                        e.state().fills.end());
      step.equity = e.equity();
      step.position = e.position();
      on_step(step);
    }
    if (std::isfinite(signal[k])) move_to(e, target_for(signal[k], p.rule), p.rule.exits);
  }
  p.state = e.state();
  u.fills.assign(p.state.fills.begin() + static_cast<std::ptrdiff_t>(fills_before),
                 p.state.fills.end());
  u.closed.assign(p.state.trades.begin() + static_cast<std::ptrdiff_t>(trades_before),
                  p.state.trades.end());
  u.equity = e.equity();
  u.position = e.position();
  u.order_pending = e.has_pending_entry();
  return u;
}

namespace {

const char* name_of(commission_model::kind k) {
  switch (k) {
    case commission_model::kind::none: return "none";
    case commission_model::kind::bps: return "bps";
    case commission_model::kind::per_share: return "per_share";
    case commission_model::kind::fixed: return "fixed";
    case commission_model::kind::combined: return "combined";
  }
  return "none";
}

const char* name_of(sizing_rule::kind k) {
  switch (k) {
    case sizing_rule::kind::all: return "all";
    case sizing_rule::kind::units: return "units";
    case sizing_rule::kind::fraction: return "fraction";
    case sizing_rule::kind::vol_target: return "vol_target";
  }
  return "all";
}

const char* name_of(order_kind k) {
  switch (k) {
    case order_kind::market: return "market";
    case order_kind::limit: return "limit";
    case order_kind::stop: return "stop";
  }
  return "market";
}

const char* name_of(order_target t) {
  switch (t) {
    case order_target::go_long: return "long";
    case order_target::go_short: return "short";
    case order_target::go_flat: return "flat";
  }
  return "flat";
}

const char* name_of(fill_reason r) {
  switch (r) {
    case fill_reason::order: return "order";
    case fill_reason::stop_loss: return "stop_loss";
    case fill_reason::take_profit: return "take_profit";
  }
  return "order";
}

void write_trade(msg::json_writer& j, const trade& t) {
  j.begin_object()
      .key("direction").value(t.direction)
      .key("size").value(t.size)
      .key("entry_time").value(t.entry_time)
      .key("entry_price").value(t.entry_price)
      .key("exit_time").value(t.exit_time)
      .key("exit_price").value(t.exit_price)
      .key("mark_price").value(t.mark_price)
      .key("commission").value(t.commission)
      .key("pnl").value(t.pnl)
      .key("ret").value(t.ret)
      .key("bars_held").value(t.bars_held)
      .key("open").value(t.open)
      .key("exit_reason").value(name_of(t.exit_reason))
      .end_object();
}

void write_order(msg::json_writer& j, const order& o) {
  j.begin_object()
      .key("id").value(o.id)
      .key("kind").value(name_of(o.kind))
      .key("target").value(name_of(o.target))
      .key("price").value(o.price)
      .key("quantity").value(o.quantity)
      .key("fraction").value(o.fraction)
      .key("stop_loss").value(o.exits.stop_loss)
      .key("take_profit").value(o.exits.take_profit)
      .key("eligible_from").value(o.eligible_from)
      .key("parent").value(o.parent)
      .key("reason").value(name_of(o.reason))
      .end_object();
}

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument("paper portfolio JSON: " + where + ": " + what);
}

element field(const object& o, const char* k, const std::string& where) {
  element v;
  if (o.at_key(k).get(v)) fail(where + "." + k, "missing");
  return v;
}

double num(const object& o, const char* k, const std::string& where) {
  double d = 0;
  if (field(o, k, where).get_double().get(d)) fail(where + "." + k, "not a number");
  return d;
}

std::int64_t i64(const object& o, const char* k, const std::string& where) {
  std::int64_t d = 0;
  if (field(o, k, where).get_int64().get(d)) fail(where + "." + k, "not an integer");
  return d;
}

std::uint64_t u64(const object& o, const char* k, const std::string& where) {
  std::uint64_t d = 0;
  if (field(o, k, where).get_uint64().get(d)) fail(where + "." + k, "not a non-negative integer");
  return d;
}

bool boolean(const object& o, const char* k, const std::string& where) {
  bool d = false;
  if (field(o, k, where).get_bool().get(d)) fail(where + "." + k, "not true/false");
  return d;
}

std::string text(const object& o, const char* k, const std::string& where) {
  std::string_view d;
  if (field(o, k, where).get_string().get(d)) fail(where + "." + k, "not a string");
  return std::string(d);
}

object obj(const element& e, const std::string& where) {
  object o;
  if (e.get_object().get(o)) fail(where, "not an object");
  return o;
}

array arr(const object& o, const char* k, const std::string& where) {
  array a;
  if (field(o, k, where).get_array().get(a)) fail(where + "." + k, "not an array");
  return a;
}

template <class E>
E pick(const std::string& s, std::initializer_list<std::pair<const char*, E>> names,
       const std::string& where) {
  for (const auto& n : names)
    if (s == n.first) return n.second;
  fail(where, "unknown value \"" + s + "\"");
}

fill_reason reason_of(const std::string& s, const std::string& where) {
  return pick<fill_reason>(s, {{"order", fill_reason::order},
                               {"stop_loss", fill_reason::stop_loss},
                               {"take_profit", fill_reason::take_profit}},
                           where);
}

trade read_trade(const object& o, const std::string& w) {
  trade t;
  t.direction = static_cast<int>(i64(o, "direction", w));
  t.size = num(o, "size", w);
  t.entry_time = i64(o, "entry_time", w);
  t.entry_price = num(o, "entry_price", w);
  t.exit_time = i64(o, "exit_time", w);
  t.exit_price = num(o, "exit_price", w);
  t.mark_price = num(o, "mark_price", w);
  t.commission = num(o, "commission", w);
  t.pnl = num(o, "pnl", w);
  t.ret = num(o, "ret", w);
  t.bars_held = static_cast<int>(i64(o, "bars_held", w));
  t.open = boolean(o, "open", w);
  t.exit_reason = reason_of(text(o, "exit_reason", w), w + ".exit_reason");
  return t;
}

order read_order(const object& o, const std::string& w) {
  order x;
  x.id = u64(o, "id", w);
  x.kind = pick<order_kind>(text(o, "kind", w),
                            {{"market", order_kind::market},
                             {"limit", order_kind::limit},
                             {"stop", order_kind::stop}},
                            w + ".kind");
  x.target = pick<order_target>(text(o, "target", w),
                                {{"long", order_target::go_long},
                                 {"short", order_target::go_short},
                                 {"flat", order_target::go_flat}},
                                w + ".target");
  x.price = num(o, "price", w);
  x.quantity = num(o, "quantity", w);
  x.fraction = num(o, "fraction", w);
  x.exits.stop_loss = num(o, "stop_loss", w);
  x.exits.take_profit = num(o, "take_profit", w);
  x.eligible_from = i64(o, "eligible_from", w);
  x.parent = u64(o, "parent", w);
  x.reason = reason_of(text(o, "reason", w), w + ".reason");
  return x;
}

commission_model read_commission(const object& cm) {
  commission_model m;
  m.type = pick<commission_model::kind>(
      text(cm, "type", "config.commission"),
      {{"none", commission_model::kind::none},
       {"bps", commission_model::kind::bps},
       {"per_share", commission_model::kind::per_share},
       {"fixed", commission_model::kind::fixed},
       {"combined", commission_model::kind::combined}},
      "config.commission.type");
  m.rate = num(cm, "rate", "config.commission");
  m.minimum = num(cm, "minimum", "config.commission");
  // Portfolios saved before combined commissions existed have no such fields.
  if (m.type == commission_model::kind::combined) {
    m.per_share = num(cm, "per_share", "config.commission");
    m.fixed = num(cm, "fixed", "config.commission");
  }
  return m;
}

sizing_rule read_sizing(const object& sz) {
  sizing_rule z;
  z.type = pick<sizing_rule::kind>(text(sz, "type", "config.sizing"),
                                   {{"all", sizing_rule::kind::all},
                                    {"units", sizing_rule::kind::units},
                                    {"fraction", sizing_rule::kind::fraction},
                                    {"vol_target", sizing_rule::kind::vol_target}},
                                   "config.sizing.type");
  z.value = num(sz, "value", "config.sizing");
  z.vol_lookback = static_cast<int>(i64(sz, "vol_lookback", "config.sizing"));
  z.periods_per_year = num(sz, "periods_per_year", "config.sizing");
  return z;
}

engine_config read_config(const object& c) {
  engine_config config;
  config.cash = num(c, "cash", "config");
  config.commission = read_commission(obj(field(c, "commission", "config"), "config.commission"));
  const object sl = obj(field(c, "slippage", "config"), "config.slippage");
  config.slippage.bps = num(sl, "bps", "config.slippage");
  config.slippage.range_fraction = num(sl, "range_fraction", "config.slippage");
  config.sizing = read_sizing(obj(field(c, "sizing", "config"), "config.sizing"));
  config.fractional = boolean(c, "fractional", "config");
  config.allow_short = boolean(c, "allow_short", "config");
  config.leverage = num(c, "leverage", "config");
  return config;
}

signal_rule read_rule(const object& r) {
  signal_rule rule;
  rule.long_above = num(r, "long_above", "rule");
  rule.short_below = num(r, "short_below", "rule");
  rule.allow_short = boolean(r, "allow_short", "rule");
  rule.exits.stop_loss = num(r, "stop_loss", "rule");
  rule.exits.take_profit = num(r, "take_profit", "rule");
  return rule;
}

// Calls `read` with each element of the array state.<key> and its place
// ("state.<key>[3]") for messages.
template <class F>
void for_each_in(const object& s, const char* key, F read) {
  std::size_t k = 0;
  for (element e : arr(s, key, "state")) read(e, "state." + std::string(key) + "[" + std::to_string(k++) + "]");
}

fill read_fill(const object& o, const std::string& w) {
  fill f;
  f.order_id = u64(o, "order_id", w);
  f.time = i64(o, "time", w);
  f.quantity = num(o, "quantity", w);
  f.price = num(o, "price", w);
  f.commission = num(o, "commission", w);
  f.slippage = num(o, "slippage", w);
  f.reason = reason_of(text(o, "reason", w), w + ".reason");
  return f;
}

// Equity rows are saved as [time, equity, position, close].
equity_sample read_equity_row(const element& e, const std::string& w) {
  array row;
  if (e.get_array().get(row) || row.size() != 4) fail(w, "not a [time, equity, position, close] row");
  equity_sample q;
  if (row.at(0).get_int64().get(q.time) || row.at(1).get_double().get(q.equity) ||
      row.at(2).get_double().get(q.position) || row.at(3).get_double().get(q.close))
    fail(w, "not a [time, equity, position, close] row of numbers");
  return q;
}

engine_state read_state(const object& s) {
  engine_state st;
  st.cash = num(s, "cash", "state");
  st.position = num(s, "position", "state");
  st.current = read_trade(obj(field(s, "current", "state"), "state.current"), "state.current");
  for_each_in(s, "pending", [&](element e, const std::string& w) { st.pending.push_back(read_order(obj(e, w), w)); });
  st.next_id = u64(s, "next_id", "state");
  st.started = boolean(s, "started", "state");
  st.last_time = i64(s, "last_time", "state");
  st.last_close = num(s, "last_close", "state");
  for_each_in(s, "recent_closes", [&](element e, const std::string& w) {
    double d = 0;
    if (e.get_double().get(d)) fail(w, "not a number");
    st.recent_closes.push_back(d);
  });
  st.fees = num(s, "fees", "state");
  st.slippage_cost = num(s, "slippage_cost", "state");
  st.traded_notional = num(s, "traded_notional", "state");
  for_each_in(s, "trades", [&](element e, const std::string& w) { st.trades.push_back(read_trade(obj(e, w), w)); });
  for_each_in(s, "fills", [&](element e, const std::string& w) { st.fills.push_back(read_fill(obj(e, w), w)); });
  for_each_in(s, "equity", [&](element e, const std::string& w) { st.equity.push_back(read_equity_row(e, w)); });
  return st;
}

}  // namespace

std::string to_json(const paper_portfolio& p) {
  const engine_config& c = p.config;
  const engine_state& s = p.state;
  msg::json_writer j(msg::double_style::digits_17);  // the saved format since version 1
  j.begin_object().key("version").value(1).key("symbol").value(p.symbol).key("model").value(p.model);
  j.key("config").begin_object()
      .key("cash").value(c.cash)
      .key("commission").begin_object()
          .key("type").value(name_of(c.commission.type))
          .key("rate").value(c.commission.rate)
          .key("minimum").value(c.commission.minimum)
          .key("per_share").value(c.commission.per_share)
          .key("fixed").value(c.commission.fixed)
      .end_object()
      .key("slippage").begin_object()
          .key("bps").value(c.slippage.bps)
          .key("range_fraction").value(c.slippage.range_fraction)
      .end_object()
      .key("sizing").begin_object()
          .key("type").value(name_of(c.sizing.type))
          .key("value").value(c.sizing.value)
          .key("vol_lookback").value(c.sizing.vol_lookback)
          .key("periods_per_year").value(c.sizing.periods_per_year)
      .end_object()
      .key("fractional").value(c.fractional)
      .key("allow_short").value(c.allow_short)
      .key("leverage").value(c.leverage)
      .end_object();
  j.key("rule").begin_object()
      .key("long_above").value(p.rule.long_above)
      .key("short_below").value(p.rule.short_below)
      .key("allow_short").value(p.rule.allow_short)
      .key("stop_loss").value(p.rule.exits.stop_loss)
      .key("take_profit").value(p.rule.exits.take_profit)
      .end_object();
  j.key("state").begin_object()
      .key("cash").value(s.cash)
      .key("position").value(s.position)
      .key("current");
  write_trade(j, s.current);
  j.key("pending").begin_array();
  for (const order& o : s.pending) write_order(j, o);
  j.end_array();
  j.key("next_id").value(s.next_id)
      .key("started").value(s.started)
      .key("last_time").value(s.last_time)
      .key("last_close").value(s.last_close)
      .key("recent_closes").begin_array();
  for (double x : s.recent_closes) j.value(x);
  j.end_array()
      .key("fees").value(s.fees)
      .key("slippage_cost").value(s.slippage_cost)
      .key("traded_notional").value(s.traded_notional)
      .key("trades").begin_array();
  for (const trade& t : s.trades) write_trade(j, t);
  j.end_array().key("fills").begin_array();
  for (const fill& f : s.fills)
    j.begin_object()
        .key("order_id").value(f.order_id)
        .key("time").value(f.time)
        .key("quantity").value(f.quantity)
        .key("price").value(f.price)
        .key("commission").value(f.commission)
        .key("slippage").value(f.slippage)
        .key("reason").value(name_of(f.reason))
        .end_object();
  // Equity rows as [time, equity, position, close] to keep long histories compact.
  j.end_array().key("equity").begin_array();
  for (const equity_sample& e : s.equity)
    j.begin_array().value(e.time).value(e.equity).value(e.position).value(e.close).end_array();
  j.end_array().end_object().end_object();
  return j.take();
}

paper_portfolio portfolio_from_json(std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc))
    fail("document", simdjson::error_message(err));
  const object root = obj(doc, "document");
  if (i64(root, "version", "document") != 1) fail("version", "unsupported (expected 1)");

  paper_portfolio p;
  p.symbol = text(root, "symbol", "document");
  p.model = text(root, "model", "document");
  p.config = read_config(obj(field(root, "config", "document"), "config"));
  p.rule = read_rule(obj(field(root, "rule", "document"), "rule"));
  p.state = read_state(obj(field(root, "state", "document"), "state"));
  return p;
}

}  // namespace mlt::ml::sim
