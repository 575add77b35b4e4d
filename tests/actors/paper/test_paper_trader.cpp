// The real paper trader, spawned on the scheduler instead of its own thread:
// it trades out-of-sample predictions on SPY's daily bars for the engine, and
// asks the store before it keeps a forward portfolio.

#define CAF_SUITE actors.paper

#include <cmath>

#include "tests/actors/dsl_fixture.hpp"

#include "actors/fwd.hpp"
#include "messages/errors.hpp"

using namespace mlt;
using namespace mlt::test;

namespace {

struct paper_fixture : dsl_fixture {
  actors::paper_trader_actor paper =
      actors::spawn_paper_trader(sys, actors::paper_trader_config{store_handle(), {}, ""}, actors::thread_mode::scheduled);
  ml::bar_series bars = spy_bars();

  paper_fixture() { run(); }

  // The last `n` bars, each predicted with `p_up`.
  msg::paper_request predictions(std::size_t n, double p_up) {
    msg::paper_request r;
    r.trial_id = mlt::msg::trial_id{3};
    r.series = msg::shared_bars{bars};
    for (std::size_t i = bars.bars.size() - n; i < bars.bars.size(); ++i) {
      r.bar_index.push_back(i);
      r.prob.push_back(p_up);
    }
    return r;
  }

  msg::paper_outcome trade(msg::paper_request r) {
    self->send(paper, std::move(r));
    expect((msg::paper_request), from(self).to(paper).with(_));
    auto out = next<msg::paper_outcome>(self);
    expect((msg::paper_outcome), from(paper).to(self).with(_));
    return out;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(paper_trader_tests, paper_fixture)

CAF_TEST(predictions above the long threshold hold one long position and earn what buy and hold earns less costs) {
  auto out = trade(predictions(250, 0.9));
  CAF_CHECK(out.trial_id == mlt::msg::trial_id{3});
  CAF_CHECK_EQUAL(out.stats.trades, 1);
  CAF_CHECK_GREATER(out.stats.exposure, 0.9);
  CAF_CHECK_GREATER(out.stats.fees, 0.0);
  CAF_CHECK_LESS(std::abs(out.stats.total_return - out.buy_hold.total_return), 0.005);
  CAF_CHECK(!out.equity.empty());
  CAF_CHECK_EQUAL(out.equity.size(), out.buy_hold_equity.size());
}

CAF_TEST(predictions between the thresholds never trade) {
  auto out = trade(predictions(250, 0.5));
  CAF_CHECK_EQUAL(out.stats.trades, 0);
  CAF_CHECK_EQUAL(out.stats.total_return, 0.0);
  CAF_CHECK_EQUAL(out.stats.fees, 0.0);
  CAF_CHECK_NOT_EQUAL(out.buy_hold.total_return, 0.0);
}

CAF_TEST(a forward portfolio without a completed trial is refused after asking the store) {
  self->send(paper, msg::portfolio_request{"SPY", {}, caf::actor{}, 0});
  expect((msg::portfolio_request), from(self).to(paper).with(_));
  expect((msg::portfolio_query), from(paper).to(store).with(_));
  expect((msg::portfolio_record), from(store).to(paper).with(_));
  expect((msg::latest_trial_query), from(paper).to(store).with(_));
  expect((msg::trial_record), from(store).to(paper).with(_));
  auto err = next<caf::error>(self);
  expect((caf::error), from(paper).to(self).with(_));
  CAF_CHECK_EQUAL(msg::error_sentence(err), "there is no completed trial of SPY to paper trade; run one first");
}

CAF_TEST_FIXTURE_SCOPE_END()
