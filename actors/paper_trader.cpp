#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include <caf/all.hpp>

#include "actors/text_format.hpp"
#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/spawn_mode.hpp"
#include "actors/tell.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"
#include "ml/models/artifact.hpp"
#include "ml/sim/paper_sim.hpp"
#include "ml/sim/portfolio.hpp"
#include "ml/sim/stats.hpp"
#include "ml/sim/strategies.hpp"

namespace mlt::actors {

namespace {

using text::fmt;

using namespace std::chrono_literals;

struct paper_state {
  paper_trader_config cfg;
  static inline const char* name = "paper_trader";
};

using paper_self = caf::stateful_actor<paper_state, paper_trader_actor::base>;
using sentence_promise = caf::typed_response_promise<std::string>;

// The full statistics as named numbers, for the report and the store.
std::map<std::string, double> performance_map(const ml::sim::performance& p) {
  return {{"volatility", p.volatility},
          {"sortino", p.sortino},
          {"calmar", p.calmar},
          {"max_drawdown_duration_days", p.max_drawdown_duration_days},
          {"avg_drawdown", p.avg_drawdown},
          {"profit_factor", p.profit_factor},
          {"expectancy", p.expectancy},
          {"avg_trade", p.avg_trade},
          {"best_trade", p.best_trade},
          {"worst_trade", p.worst_trade},
          {"turnover", p.turnover},
          {"slippage", p.slippage},
          {"sqn", p.sqn},
          {"psr", p.psr},
          {"dsr", p.dsr},
          {"trials", static_cast<double>(p.trials)},
          {"open_trades", static_cast<double>(p.open_trades)},
          {"years", p.years}};
}

// The SMA(10, 30) crossover baseline simulate_paper ran over the same bars
// with the trial's costs and brackets, as named numbers.
std::map<std::string, double> sma_baseline(const ml::sim::performance& perf) {
  auto out = performance_map(perf);
  out["total_return"] = perf.total_return;
  out["final_equity"] = perf.final_equity;
  out["cagr"] = perf.cagr;
  out["sharpe"] = perf.sharpe;
  out["max_drawdown"] = perf.max_drawdown;
  out["trades"] = perf.trades;
  out["win_rate"] = perf.win_rate;
  out["exposure"] = perf.exposure;
  out["fees"] = perf.fees;
  out["fast"] = 10;
  out["slow"] = 30;
  return out;
}

caf::error fail(const std::string& what) { return caf::make_error(msg::errc::paper_failed, what); }

// What a forward update needs from the trial's stored plan and report.
struct trial_basis {
  std::string model, source, start;
  ml::paper_config paper;      ///< the trial's costs, sizing, thresholds and brackets
  std::int64_t last_bar = 0;   ///< last bar the trial saw
};

bool read_basis(const msg::trial_record& rec, trial_basis& b, std::string& err) {
  if (!rec.row.has_report) return err = "trial " + msg::to_string(rec.row.trial_id) + " has no report", false;
  const auto& run = rec.report.summary;  // the plan as finally run, the bars it saw
  b.model = rec.row.model;
  b.source = run.plan.data_source;
  b.start = run.plan.start;
  b.paper = run.plan.paper;
  const std::string problem = ml::check_paper_config(b.paper);
  if (!problem.empty()) return err = "the trial's paper settings are not usable: " + problem, false;
  if (!ml::parse_datetime(run.last_date, b.last_bar)) return err = "the trial's report has no data range", false;
  return true;
}

std::string fills_text(const std::vector<ml::sim::fill>& fills) {
  std::string out;
  for (const auto& f : fills)
    out += std::string(out.empty() ? "" : "; ") + (f.quantity > 0 ? "bought " : "sold ") +
           fmt("%g", std::fabs(f.quantity)) + " at " + fmt("%.2f", f.price);
  return out;
}

// Loads bars, predicts them with the trial's model and advances the portfolio.
void run_update(paper_self* self, sentence_promise rp, msg::portfolio_request req, msg::trial_record rec,
                msg::portfolio_record saved) {
  trial_basis basis;
  std::string err;
  if (!read_basis(rec, basis, err)) {
    rp.deliver(fail(err));
    return;
  }
  const auto trial_id = rec.row.trial_id;
  msg::load_bars_request load{{}, req.symbol, basis.source, basis.start, "", 42};
  self->request(self->state.cfg.loader, 10min, load)
      .then(
          [=](ml::bar_series& series) mutable {
            try {
              const auto path = self->state.cfg.models_dir + "/trial_" + msg::to_string(trial_id) + ".model";
              const auto artifact = ml::read_artifact(path);
              const auto prob = ml::predict_bars(artifact, series);
              ml::sim::paper_portfolio p;
              std::string opening;
              if (saved.found) {
                p = saved.portfolio;
              } else {
                // The trial's own costs, sizing and brackets, as in its paper run.
                p = ml::sim::make_portfolio(req.symbol, artifact.model,
                                            ml::paper_engine_config(basis.paper, series.timespan),
                                            ml::paper_signal_rule(basis.paper));
                // Forward trading starts after the last bar the trial saw.
                p.state.started = true;
                p.state.last_time = basis.last_bar;
                opening = "Opened a paper portfolio for " + req.symbol + " with " + artifact.model + " from trial " +
                          msg::to_string(trial_id) + ", cash " + fmt("%.0f", basis.paper.cash) + ", costs " +
                          ml::describe_costs(basis.paper) + ", trading bars after " +
                          ml::format_date(basis.last_bar) + ". ";
              }
              std::vector<ml::bar> fresh;
              std::vector<double> signal;
              for (std::size_t i = 0; i < series.bars.size(); ++i)
                if (series.bars[i].time > p.state.last_time) {
                  fresh.push_back(series.bars[i]);
                  signal.push_back(prob[i]);
                }
              const auto pace = std::chrono::milliseconds(std::clamp(req.pace_ms, 0, 2000));
              auto observer = req.observer;
              auto on_step = [&](const ml::sim::portfolio_step& st) {
                if (!observer || st.fills.empty()) return;
                const auto date = ml::format_date(st.at->time);
                tell(self, observer, msg::paper_note{req.symbol,
                                                     date + ": " + fills_text(st.fills) + "; equity " +
                                                         fmt("%.2f", st.equity),
                                                     true, date, st.equity, st.position});
                // Replay mode: fills stream at the pace the person asked for.
                if (pace.count() > 0) std::this_thread::sleep_for(pace);
              };
              auto upd = ml::sim::advance(p, fresh, signal, on_step);
              msg::portfolio_record rec_out{true, req.symbol, p.model, trial_id, p, ""};
              std::string text = opening;
              if (upd.new_bars == 0)
                text += "No new bars for " + req.symbol + " since " + ml::format_date(p.state.last_time) +
                        "; the portfolio holds " + fmt("%g", p.state.position) + " shares, equity " +
                        fmt("%.2f", upd.new_bars ? upd.equity : p.state.cash + p.state.position * p.state.last_close) + ".";
              else
                text += "Traded " + std::to_string(upd.new_bars) + " new bar(s) of " + req.symbol + " up to " +
                        ml::format_date(p.state.last_time) + ": " + std::to_string(upd.fills.size()) + " fill(s), " +
                        std::to_string(upd.closed.size()) + " closed trade(s); position " + fmt("%g", upd.position) +
                        " shares, equity " + fmt("%.2f", upd.equity) + (upd.order_pending ? ", an order waits for the next open" : "") + ".";
              self->request(self->state.cfg.store, 30s, msg::save_portfolio{rec_out})
                  .then([=](bool) mutable { rp.deliver(text); },
                        [=](caf::error& e) mutable { rp.deliver(fail("could not save the portfolio: " + msg::error_sentence(e))); });
            } catch (const std::exception& e) {
              rp.deliver(fail(std::string("paper portfolio update failed: ") + e.what()));
            }
          },
          [=](caf::error& e) mutable { rp.deliver(fail("could not load bars: " + msg::error_sentence(e))); });
}

paper_trader_actor::behavior_type paper_behavior(paper_self* self, paper_trader_config cfg) {
  harden(self);
  self->state.cfg = std::move(cfg);
  return {
      [](msg::paper_request& m) -> caf::result<msg::paper_outcome> {
        try {
          std::vector<std::size_t> idx(m.bar_index.begin(), m.bar_index.end());
          Eigen::VectorXd prob = Eigen::Map<const Eigen::VectorXd>(m.prob.data(), static_cast<Eigen::Index>(m.prob.size()));
          auto res = ml::simulate_paper(m.series, idx, prob, m.config, m.sharpe_variance);
          msg::paper_outcome out;
          out.trial_id = m.trial_id;
          out.stats = res.stats;
          out.buy_hold = res.buy_hold;
          out.equity = std::move(res.equity);
          out.buy_hold_equity = std::move(res.buy_hold_equity);
          out.trades = std::move(res.trades);
          out.detail = performance_map(res.detail);
          out.buy_hold_detail = performance_map(res.buy_hold_detail);
          out.sma_cross = sma_baseline(res.sma_detail);
          return out;
        } catch (const std::exception& e) {
          return caf::make_error(msg::errc::paper_failed, std::string("paper trading failed: ") + e.what());
        }
      },
      [=](msg::portfolio_request& req) {
        auto rp = self->make_response_promise<std::string>();
        auto& st = self->state;
        self->request(st.cfg.store, 30s, msg::portfolio_query{req.symbol})
            .then(
                [=](msg::portfolio_record& saved) mutable {
                  if (saved.found && !req.trial_id.known()) req.trial_id = saved.trial_id;
                  auto with_trial = [=](msg::trial_record& rec) mutable {
                    if (!rec.found) {
                      rp.deliver(fail("there is no completed trial " +
                                      (req.trial_id.known() ? msg::to_string(req.trial_id) : "of " + req.symbol) +
                                      " to paper trade; run one first"));
                      return;
                    }
                    if (rec.row.symbol != req.symbol) {
                      rp.deliver(fail("trial " + msg::to_string(rec.row.trial_id) + " traded " + rec.row.symbol +
                                      ", not " + req.symbol));
                      return;
                    }
                    // A different trial replaces the portfolio's model: start afresh.
                    if (saved.found && saved.trial_id != rec.row.trial_id) saved.found = false;
                    run_update(self, rp, req, rec, saved);
                  };
                  auto on_err = [=](caf::error& e) mutable { rp.deliver(fail(msg::error_sentence(e))); };
                  if (req.trial_id.known())
                    self->request(self->state.cfg.store, 30s, msg::get_trial_query{req.trial_id}).then(with_trial, on_err);
                  else
                    self->request(self->state.cfg.store, 30s, msg::latest_trial_query{req.symbol}).then(with_trial, on_err);
                },
                [=](caf::error& e) mutable { rp.deliver(fail(msg::error_sentence(e))); });
        return rp;
      },
  };
}

}  // namespace

paper_trader_actor spawn_paper_trader(caf::actor_system& sys, paper_trader_config cfg, thread_mode mode) {
  return spawn_in(sys, mode, paper_behavior, std::move(cfg));
}

}  // namespace mlt::actors
