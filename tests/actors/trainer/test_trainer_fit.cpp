// The real trainer, spawned on the scheduler instead of its own thread, fits
// a logistic model on SPY's daily bars one bounded step per message, as the
// engine drives it; the test holds the engine's end of each exchange.

#define CAF_SUITE actors.trainer

#include "tests/actors/dsl_fixture.hpp"

#include "actors/fwd.hpp"
#include "messages/errors.hpp"
#include "messages/plan_limits.hpp"

using namespace mlt;
using namespace mlt::test;

namespace {

struct trainer_fixture : dsl_fixture {
  actors::trainer_actor trainer = actors::spawn_trainer(sys, actors::thread_mode::scheduled);
  ml::bar_series bars = spy_bars();

  trainer_fixture() { run(); }

  // One request from the test's actor and the trainer's answer to it.
  template <class Answer, class Request>
  Answer exchange(Request req) {
    self->send(trainer, std::move(req));
    expect((Request), from(self).to(trainer).with(_));
    auto out = next<Answer>(self);
    expect((Answer), from(trainer).to(self).with(_));
    return out;
  }

  // "A .. B" -> B.
  static std::string last_of(const std::string& range) { return range.substr(range.rfind(' ') + 1); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(trainer_fit_tests, trainer_fixture)

CAF_TEST(a fit advances one bounded step per request and the test part stays untouched) {
  auto prep = exchange<msg::prepared>(msg::prepare_request{msg::trial_id{7}, msg::shared_bars{bars}, 1});
  CAF_CHECK(prep.trial_id == mlt::msg::trial_id{7});
  CAF_CHECK_GREATER(prep.features, 0);
  CAF_CHECK_GREATER(prep.usable_rows, 1000);
  CAF_CHECK_GREATER(prep.vol_annual, 0.0);
  CAF_CHECK_LESS(prep.vol_annual, 1.0);

  // The smallest train_ratio allowed: the volatility window lies inside even
  // this training part, so the question never saw a validation or test bar.
  auto st = exchange<msg::fit_started>(
      msg::fit_request{msg::trial_id{7}, "logistic", {}, msg::plan_limits::min_train_ratio, 0.15, 1, 42});
  CAF_CHECK_EQUAL(st.model, "logistic");
  CAF_CHECK(st.leakage_passed);
  CAF_CHECK_GREATER(st.train_rows, 0);
  CAF_CHECK_GREATER(st.val_rows, 0);
  CAF_CHECK_GREATER(st.test_rows, 0);
  CAF_CHECK_LESS_OR_EQUAL(prep.vol_last_date, last_of(st.train_range));
  CAF_CHECK_LESS(last_of(st.train_range), last_of(st.val_range));
  CAF_CHECK_LESS(last_of(st.val_range), last_of(st.test_range));

  msg::fit_progress p;
  std::int32_t last_measured = 0;
  int steps = 0;
  do {
    p = exchange<msg::fit_progress>(msg::fit_step_request{msg::trial_id{7}});
    if (p.measured) {
      CAF_CHECK_GREATER(p.step, last_measured);
      last_measured = p.step;
    }
    CAF_CHECK_LESS_OR_EQUAL(p.fraction, 1.0);
  } while (!p.done && ++steps < 10000);
  CAF_REQUIRE(p.done);
  CAF_CHECK_GREATER(last_measured, 0);

  auto kept = exchange<msg::fit_kept>(msg::fit_stop_request{msg::trial_id{7}});
  CAF_CHECK_GREATER(kept.step, 0);
  CAF_CHECK_EQUAL(kept.unit, p.unit);

  auto ev = exchange<msg::evaluation>(msg::evaluate_request{msg::trial_id{7}, false, false, {}});
  CAF_CHECK_EQUAL(ev.model, "logistic");
  CAF_CHECK_GREATER(ev.val.n, 0u);
  CAF_CHECK_GREATER(ev.train.n, ev.val.n);
  CAF_CHECK_EQUAL(ev.test.n, 0u);
  CAF_CHECK(ev.test_bar_index.empty());
  CAF_CHECK(ev.test_prob.empty());

  auto final_ev = exchange<msg::evaluation>(msg::evaluate_request{msg::trial_id{7}, true, true, {}});
  CAF_CHECK_EQUAL(final_ev.test.n, static_cast<std::size_t>(final_ev.test_bar_index.size()));
  CAF_CHECK_EQUAL(final_ev.test_prob.size(), final_ev.test_bar_index.size());
  CAF_CHECK_GREATER(final_ev.test.n, 0u);
}

CAF_TEST(a fit for a trial whose bars were never prepared is refused with a sentence naming it) {
  self->send(trainer, msg::fit_request{msg::trial_id{9}, "logistic", {}, 0.7, 0.15, 1, 42});
  expect((msg::fit_request), from(self).to(trainer).with(_));
  auto err = next<caf::error>(self);
  expect((caf::error), from(trainer).to(self).with(_));
  CAF_CHECK_EQUAL(msg::error_sentence(err), "trainer holds no data for trial 9");
}

CAF_TEST_FIXTURE_SCOPE_END()
