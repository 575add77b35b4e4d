#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "messages/type_ids.hpp"
#include "ml/sim/stats.hpp"

namespace mlt::actors {

namespace {

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

caf::behavior paper_behavior(caf::event_based_actor* self) {
  harden(self);
  return {
      [](msg::paper_request& m) -> caf::result<msg::paper_outcome> {
        try {
          std::vector<std::size_t> idx(m.bar_index.begin(), m.bar_index.end());
          Eigen::VectorXd prob = Eigen::Map<const Eigen::VectorXd>(m.prob.data(), static_cast<Eigen::Index>(m.prob.size()));
          auto res = ml::simulate_paper(m.series, idx, prob, m.config);
          msg::paper_outcome out;
          out.trial_id = m.trial_id;
          out.stats = res.stats;
          out.buy_hold = res.buy_hold;
          out.equity = std::move(res.equity);
          out.buy_hold_equity = std::move(res.buy_hold_equity);
          out.trades = std::move(res.trades);
          out.detail = performance_map(res.detail);
          out.buy_hold_detail = performance_map(res.buy_hold_detail);
          return out;
        } catch (const std::exception& e) {
          return caf::make_error(caf::sec::runtime_error, std::string("paper trading failed: ") + e.what());
        }
      },
  };
}

}  // namespace

caf::actor spawn_paper_trader(caf::actor_system& sys) { return sys.spawn(paper_behavior); }

}  // namespace mlt::actors
