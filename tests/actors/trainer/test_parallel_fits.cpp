// Folds fitted at once on the shared fit workers (actors/fit_pool.hpp) give
// the numbers of folds fitted one after the other, bit for bit: an optimiser
// search, the walk-forward evidence and an ensemble, on AAPL's daily bars.
// The jobs cross to the workers as messages, as they would to another node.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <memory>

#include <caf/all.hpp>

#include "actors/fit_pool.hpp"
#include "actors/fwd.hpp"
#include "messages/type_ids.hpp"
#include "ml/eval/walk_forward_run.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/models/ensemble_model.hpp"
#include "ml/models/optimize.hpp"

using namespace mlt;

namespace {

struct registered : caf::actor_system_config {
  registered() { msg::register_message_types(*this); }
};

struct pool_fixture {
  registered cfg;
  caf::actor_system sys{cfg};
  actors::fit_workers workers = actors::spawn_fit_workers(sys, 3);
  ml::dataset_splits splits;

  pool_fixture() {
    const auto series = ml::read_csv_file(MLT_TEST_DATA_DIR, "AAPL_daily.csv");
    splits = ml::make_splits(series, ml::build_default_features(series), ml::split_spec{});
  }
  std::unique_ptr<ml::fit_pool> pool() { return actors::make_worker_pool(sys, workers); }
};

bool same_bits(const double* a, const double* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(double)) == 0; }
bool same_bits(double a, double b) { return same_bits(&a, &b, 1); }
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && same_bits(a.data(), b.data(), a.size());
}

void check_same_search(const ml::optimize_result& a, const ml::optimize_result& b) {
  REQUIRE(a.tried.size() == b.tried.size());
  for (std::size_t i = 0; i < a.tried.size(); ++i) {
    INFO("evaluation " << i + 1);
    CHECK(a.tried[i].params == b.tried[i].params);
    CHECK(same_bits(a.tried[i].score, b.tried[i].score));
    REQUIRE(a.tried[i].cv.folds.size() == b.tried[i].cv.folds.size());
    for (std::size_t f = 0; f < a.tried[i].cv.folds.size(); ++f) {
      CHECK(same_bits(a.tried[i].cv.folds[f].log_loss, b.tried[i].cv.folds[f].log_loss));
      CHECK(same_bits(a.tried[i].cv.folds[f].roc_auc, b.tried[i].cv.folds[f].roc_auc));
    }
  }
  CHECK(a.best_params == b.best_params);
  CHECK(same_bits(a.best_score, b.best_score));
}

ml::optimize_spec search_of(const std::string& model, int evals, int folds, std::uint64_t seed) {
  ml::optimize_spec spec;
  spec.model = model;
  spec.max_evals = evals;
  spec.max_seconds = 600;  // the evaluation budget ends both runs
  spec.cv.folds = folds;
  spec.seed = seed;
  return spec;
}

// A pool that counts what is submitted to it and how much was submitted
// before the first outcome was asked for, around another pool.
class counting_pool final : public ml::fit_pool {
public:
  struct counts {
    int submitted = 0;
    int before_first_collect = -1;
    double shift_val_loss = 0;  ///< added to every kept fit's step losses, to see where answers come from
  };
  counting_pool(std::unique_ptr<ml::fit_pool> inner, std::shared_ptr<counts> c) : inner_(std::move(inner)), c_(std::move(c)) {}
  int width() const override { return inner_->width(); }
  void submit(std::size_t index, ml::fit_job job) override {
    ++c_->submitted;
    inner_->submit(index, std::move(job));
  }
  std::optional<std::pair<std::size_t, ml::fit_outcome>> collect(std::chrono::milliseconds wait) override {
    if (c_->before_first_collect < 0) c_->before_first_collect = c_->submitted;
    auto got = inner_->collect(wait);
    if (got)
      for (auto& s : got->second.log) s.val_loss += c_->shift_val_loss;
    return got;
  }

private:
  std::unique_ptr<ml::fit_pool> inner_;
  std::shared_ptr<counts> c_;
};

// The search run in turn and on the workers, compared; answers the first.
ml::optimize_result search_both_ways(pool_fixture& fx, const ml::optimize_spec& spec) {
  const auto rows = ml::join_train_val(fx.splits);
  auto a = ml::optimize(rows, spec);
  const auto p = fx.pool();
  check_same_search(a, ml::optimize(rows, spec, {}, p.get()));
  return a;
}

// The same evidence fitted in turn and on the pool, fold by fold.
void check_same_evidence(pool_fixture& fx, const std::string& model, const ml::param_map& params) {
  const auto rows = ml::join_parts({&fx.splits.train, &fx.splits.val, &fx.splits.test});
  const auto test_begin = static_cast<std::size_t>(fx.splits.train.rows() + fx.splits.val.rows());
  ml::walk_forward_spec spec;
  spec.folds = 4;
  ml::walk_forward_run in_turn(rows, test_begin, model, params, 7, spec);
  in_turn.run_to_end();
  ml::walk_forward_run pooled(rows, test_begin, model, params, 7, spec);
  pooled.use_pool(fx.pool());
  int reported = 0;
  while (!pooled.done()) {
    const auto s = pooled.advance(std::chrono::milliseconds(200));
    if (!s.fold_done) continue;
    CHECK(s.fold == ++reported);  // in fold order, whatever order they finished in
  }
  CHECK(reported == 4);
  REQUIRE(in_turn.outcomes().size() == pooled.outcomes().size());
  for (std::size_t i = 0; i < in_turn.outcomes().size(); ++i) {
    INFO(model << " fold " << i + 1);
    CHECK(in_turn.outcomes()[i].bar_index == pooled.outcomes()[i].bar_index);
    CHECK(same_bits(in_turn.outcomes()[i].prob, pooled.outcomes()[i].prob));
  }
  const auto a = in_turn.summary(), b = pooled.summary();
  CHECK(same_bits(a.pooled.log_loss, b.pooled.log_loss));
  CHECK(same_bits(a.pooled.accuracy, b.pooled.accuracy));
  CHECK(same_bits(a.prob, b.prob));
  CHECK(a.pooled.n > 100);
}

// A fit worker that counts the jobs it runs, and runs them as the real ones do.
actors::fit_worker_actor::behavior_type counting_worker(actors::fit_worker_actor::pointer,
                                                        std::shared_ptr<std::atomic<int>> jobs) {
  return {[jobs](msg::fit_job& job) -> msg::fit_done {
    ++*jobs;
    return msg::to_message(job.index, ml::run_fit_job(msg::from_message(job)));
  }};
}

template <class Answer, class Request>
Answer ask(caf::scoped_actor& self, const actors::trainer_actor& trainer, Request req) {
  Answer out;
  std::string failure = "no answer";
  self->request(trainer, std::chrono::minutes(5), std::move(req))
      .receive([&](Answer& a) { out = std::move(a), failure.clear(); },
               [&](caf::error& e) { failure = self->system().render(e); });
  INFO(failure);
  REQUIRE(failure.empty());
  return out;
}

struct trainer_answers {
  msg::optimize_outcome search;
  msg::walk_forward_outcome evidence;
};

// What the engine asks of a trainer in a trial with an optimise decision.
trainer_answers drive(caf::actor_system& sys, const actors::trainer_actor& trainer, const ml::bar_series& bars) {
  caf::scoped_actor self{sys};
  ask<msg::prepared>(self, trainer, msg::prepare_request{msg::trial_id{1}, msg::shared_bars{bars}, 1});
  ask<msg::fit_started>(self, trainer, msg::fit_request{msg::trial_id{1}, "xgboost", {}, 0.7, 0.15, 1, 42});
  trainer_answers out;
  out.search =
      ask<msg::optimize_outcome>(self, trainer, msg::optimize_request{msg::trial_id{1}, "xgboost", 3, 600, 42});
  ask<msg::walk_forward_started>(self, trainer,
                                 msg::walk_forward_request{msg::trial_id{1}, "ensemble", {}, 4, "expanding", 1, 42});
  for (int steps = 0;
       !ask<msg::walk_forward_progress>(self, trainer, msg::walk_forward_step_request{msg::trial_id{1}}).all_done;)
    REQUIRE(++steps < 10000);
  out.evidence = ask<msg::walk_forward_outcome>(self, trainer, msg::walk_forward_collect{msg::trial_id{1}});
  return out;
}

// A trainer fitting in turn and a detached one given two counting workers, on AAPL's daily bars.
struct counted_trainers {
  registered cfg;
  caf::actor_system sys{cfg};
  ml::bar_series bars = ml::read_csv_file(MLT_TEST_DATA_DIR, "AAPL_daily.csv");
  std::shared_ptr<std::atomic<int>> jobs = std::make_shared<std::atomic<int>>(0);
  actors::fit_workers counted;

  counted_trainers() {
    for (int i = 0; i < 2; ++i) counted.workers.push_back(sys.spawn<caf::detached>(counting_worker, jobs));
  }
  actors::trainer_actor in_turn() { return actors::spawn_trainer(sys); }
  actors::trainer_actor pooled() { return actors::spawn_trainer(sys, actors::thread_mode::detached, counted); }
};

}  // namespace

TEST_CASE_METHOD(counted_trainers,
                 "a detached trainer sends its folds and members to the fit workers and answers as one fitting in turn",
                 "[parallel]") {
  const auto in_turn = drive(sys, this->in_turn(), bars);
  CHECK(*jobs == 0);
  const auto pooled = drive(sys, this->pooled(), bars);
  // 3 evaluations x 5 folds, then 4 walk-forward folds x 2 ensemble members.
  CHECK(*jobs == 3 * 5 + 4 * 2);
  CHECK(in_turn.search.best_params == pooled.search.best_params);
  CHECK(same_bits(in_turn.search.best_score, pooled.search.best_score));
  CHECK(in_turn.search.summary == pooled.search.summary);
  CHECK(in_turn.evidence.bar_index == pooled.evidence.bar_index);
  CHECK(same_bits(in_turn.evidence.prob, pooled.evidence.prob));
  CHECK(same_bits(in_turn.evidence.result.log_loss, pooled.evidence.result.log_loss));
  CHECK(in_turn.evidence.result.folds.size() == 4);
}

TEST_CASE_METHOD(pool_fixture, "an optimiser search scores the same with its folds on the fit workers", "[parallel]") {
  const auto a = search_both_ways(*this, search_of("xgboost", 4, 4, 11));
  CHECK(a.tried.size() == 4);
  CHECK(std::isfinite(a.best_score));
}

// The search picks ml::evals_per_round configurations from the same history
// and sends all their folds at once: 3 x 4 folds before the first outcome,
// then the last round's 1 x 4. Any width gives the same search.
TEST_CASE_METHOD(pool_fixture, "an optimiser round sends every fold of its configurations at once", "[parallel]") {
  REQUIRE(ml::evals_per_round == 3);
  const auto spec = search_of("xgboost", 4, 4, 11);
  const auto rows = ml::join_train_val(splits);
  const auto counts = std::make_shared<counting_pool::counts>();
  counting_pool counted(pool(), counts);
  std::vector<int> reported;
  const auto a = ml::optimize(rows, spec, [&](const ml::tried_config& latest, const ml::tried_config& best) {
    reported.push_back(latest.index);
    CHECK(best.score >= latest.score);
    return true;
  }, &counted);
  CHECK(counts->before_first_collect == 3 * 4);
  CHECK(counts->submitted == 4 * 4);
  CHECK(reported == std::vector<int>{1, 2, 3, 4});
  // One worker and three give the search that no pool gives.
  actors::fit_workers one = actors::spawn_fit_workers(sys, 2);
  one.workers.resize(1);
  const auto narrow = actors::make_worker_pool(sys, one);
  check_same_search(a, ml::optimize(rows, spec, {}, narrow.get()));
  check_same_search(a, ml::optimize(rows, spec));
  // Stopping inside a round drops the round's later evaluations.
  const auto cut = ml::optimize(rows, spec, [](const ml::tried_config& latest, const ml::tried_config&) {
    return latest.index < 2;
  }, pool().get());
  CHECK(cut.tried.size() == 2);
  CHECK(cut.stop_reason == "stopped by caller");
}

TEST_CASE_METHOD(pool_fixture, "a net's search is the same on the fit workers (its kernels are deterministic per thread)",
                 "[parallel]") {
  auto spec = search_of("lstm", 2, 3, 5);
  spec.fixed = {{"seq_len", 10}, {"max_epochs", 2}};
  CHECK(search_both_ways(*this, spec).tried.size() == 2);
}

TEST_CASE_METHOD(pool_fixture, "walk-forward evidence is the same with its folds on the fit workers", "[parallel]") {
  check_same_evidence(*this, "xgboost", {});
  check_same_evidence(*this, "logistic", {});
}

// On the workers an ensemble's members are jobs of their own, combined when
// the last is back; in turn, the ensemble steps its members itself.
TEST_CASE_METHOD(pool_fixture, "an ensemble's walk-forward evidence is the same with its members on the fit workers",
                 "[parallel]") {
  check_same_evidence(*this, "ensemble", {{"mode", 1}});
  check_same_evidence(*this, "ensemble", {{"weight_by", 1}, {"use_lstm", 1}, {"lstm.max_epochs", 2}, {"lstm.seq_len", 10}});
}

TEST_CASE_METHOD(pool_fixture, "an ensemble's search scores the same with its folds' members on the fit workers",
                 "[parallel]") {
  auto spec = search_of("ensemble", 2, 3, 3);
  spec.fixed = {{"xgboost.n_rounds", 30}};
  spec.space = {ml::choice_dim("weight_by", {0, 1})};
  CHECK(search_both_ways(*this, spec).tried.size() == 2);
  // A bad member parameter fails the search with its reason, on the workers too.
  spec.fixed = {{"xgboost.no_such_param", 1}};
  const auto p = pool();
  CHECK_THROWS_WITH(ml::optimize(ml::join_train_val(splits), spec, {}, p.get()), Catch::Contains("no_such_param"));
}

TEST_CASE_METHOD(pool_fixture, "a fold that fails on the fit workers fails the search with its reason", "[parallel]") {
  const auto rows = ml::join_train_val(splits);
  ml::walk_forward_spec cv;
  cv.folds = 3;
  const auto p = pool();
  CHECK_THROWS_AS(ml::cross_validate("xgboost", {{"no_such_param", 1}}, rows, cv, 1, p.get()), std::invalid_argument);
  CHECK_THROWS_WITH(ml::cross_validate("xgboost", {{"no_such_param", 1}}, rows, cv, 1, p.get()),
                    Catch::Contains("no_such_param"));
  // The pool is still usable afterwards.
  const auto again = ml::cross_validate("logistic", {}, rows, cv, 1, p.get());
  CHECK(again.folds.size() == 3);
}

TEST_CASE("a fit job whose matrix does not fill its shape is refused by name", "[parallel]") {
  msg::fit_job job;
  job.model = "logistic";
  job.x_train = {3, 2, {1, 2, 3}};
  CHECK_THROWS_WITH(msg::from_message(job), Catch::Contains("x_train has 3 values for 3 x 2"));
}

TEST_CASE_METHOD(pool_fixture, "abandoned workers give up their fits instead of holding a stopping daemon",
                 "[parallel]") {
  workers.abandon();
  ml::walk_forward_spec cv;
  cv.folds = 3;
  const auto p = pool();
  CHECK_THROWS_WITH(ml::cross_validate("xgboost", {}, ml::join_train_val(splits), cv, 1, p.get()),
                    Catch::Contains("xgboost was abandoned before its end"));
}

namespace {

// What a fit of the trial's ensemble answers, step by step, as the engine
// asks: the steps, what each stop kept, then its predictions and state.
struct ensemble_trace {
  std::vector<ml::fit_step> steps;
  std::vector<ml::kept_step> kept;
  Eigen::VectorXd test_prob;
  std::string state;
};

// Steps `e` to its end; at the `stop_at`-th measured step of member
// `stop_member` it stops that member (stop_part) or, `whole`, the fit.
ensemble_trace drive_ensemble(ml::ensemble_model& e, const ml::dataset_splits& sp, const std::string& stop_member = "",
                              int stop_at = 0, bool whole = false) {
  ensemble_trace t;
  std::string part;
  int measured = 0;
  for (int n = 0; n < 100000; ++n) {
    const auto s = e.step();
    t.steps.push_back(s);
    if (s.done) break;
    if (!s.measured) continue;
    if (s.part != part) {
      part = s.part;
      measured = 0;
    }
    if (s.part != stop_member || ++measured != stop_at) continue;
    if (whole) break;
    t.kept.push_back(e.stop_part());
  }
  t.kept.push_back(e.stop());
  t.test_prob = e.predict_proba(sp.test.x);
  t.state = e.save();
  return t;
}

void check_same_trace(const ensemble_trace& a, const ensemble_trace& b) {
  REQUIRE(a.steps.size() == b.steps.size());
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    INFO("step " << i + 1 << " " << a.steps[i].part_what);
    const auto &x = a.steps[i], &y = b.steps[i];
    CHECK(x.step == y.step);
    CHECK(x.total == y.total);
    CHECK(x.measured == y.measured);
    CHECK(x.done == y.done);
    CHECK(same_bits(x.train_loss, y.train_loss));
    CHECK(same_bits(x.val_loss, y.val_loss));
    CHECK(same_bits(x.val_accuracy, y.val_accuracy));
    CHECK(same_bits(x.fraction, y.fraction));
    CHECK(x.part == y.part);
    CHECK(x.part_what == y.part_what);
  }
  REQUIRE(a.kept.size() == b.kept.size());
  for (std::size_t i = 0; i < a.kept.size(); ++i) {
    CHECK(a.kept[i].step == b.kept[i].step);
    CHECK(same_bits(a.kept[i].val_loss, b.kept[i].val_loss));
    CHECK(a.kept[i].what == b.kept[i].what);
  }
  REQUIRE(a.test_prob.size() == b.test_prob.size());
  CHECK(same_bits(a.test_prob.data(), b.test_prob.data(), static_cast<std::size_t>(a.test_prob.size())));
  CHECK(a.state == b.state);
}

}  // namespace

// The trial's own ensemble: its members fit at once on the workers
// (fit_members_on) while the engine still steps them one by one; every step,
// every stop and the fitted model are those of the members stepped in turn.
TEST_CASE_METHOD(pool_fixture, "the trial's ensemble fits its members at once and answers every step as in turn",
                 "[parallel]") {
  const ml::fit_data data{splits.train.x, splits.train.y, splits.val.x, splits.val.y, 1};
  const ml::param_map params = {{"use_lstm", 1}, {"lstm.max_epochs", 3}, {"lstm.seq_len", 10}};
  const auto both_ways = [&](const ml::param_map& p, const std::string& member, int at, bool whole) {
    ml::ensemble_model in_turn, pooled;
    in_turn.start(data, p, 9);
    pooled.start(data, p, 9);
    const auto counts = std::make_shared<counting_pool::counts>();
    pooled.fit_members_on(std::make_unique<counting_pool>(pool(), counts));
    const auto a = drive_ensemble(in_turn, splits, member, at, whole);
    const auto b = drive_ensemble(pooled, splits, member, at, whole);
    CHECK(counts->submitted == 3);  // every member, before the first step answered
    CHECK(counts->before_first_collect == 3);
    check_same_trace(a, b);
    return a;
  };
  SECTION("no stop: every member to its end, the weighted combination") {
    const auto t = both_ways(params, "", 0, false);
    CHECK(t.kept.back().what.find("the weighted combination of logistic") == 0);
  }
  SECTION("the agent stops XGBoost at its second measured step; stacking") {
    auto p = params;
    p["mode"] = 1;
    const auto t = both_ways(p, "xgboost", 2, false);
    REQUIRE(t.kept.size() == 2);
    CHECK(t.kept.front().what.find("member xgboost keeps") == 0);
  }
  SECTION("the agent stops the whole fit at the LSTM's second epoch") {
    const auto t = both_ways(params, "lstm", 2, true);
    CHECK(t.kept.back().what.find("lstm at epoch") != std::string::npos);
  }
}

// The steps are the jobs' own: a pool that alters them alters what the engine is told.
TEST_CASE_METHOD(pool_fixture, "the trial's ensemble answers its steps from the members' jobs", "[parallel]") {
  const ml::fit_data data{splits.train.x, splits.train.y, splits.val.x, splits.val.y, 1};
  ml::ensemble_model in_turn, pooled;
  in_turn.start(data, {}, 4);
  pooled.start(data, {}, 4);
  const auto counts = std::make_shared<counting_pool::counts>();
  counts->shift_val_loss = 1;
  pooled.fit_members_on(std::make_unique<counting_pool>(pool(), counts));
  const auto a = in_turn.step(), b = pooled.step();
  REQUIRE(a.measured);
  CHECK(b.val_loss == a.val_loss + 1);
}

// A pool whose outcomes are late: nothing comes back for the first `late`
// collects, then one job a collect, fitted then.
class late_pool final : public ml::fit_pool {
public:
  explicit late_pool(int late) : late_(late) {}
  int width() const override { return 3; }
  void submit(std::size_t index, ml::fit_job job) override { queued_.submit(index, std::move(job)); }
  std::optional<std::pair<std::size_t, ml::fit_outcome>> collect(std::chrono::milliseconds wait) override {
    if (late_-- > 0) return std::nullopt;
    return queued_.collect(wait);
  }

private:
  int late_;
  ml::in_turn_pool queued_;
};

// A member whose job is late is stepped here meanwhile; once the job is back
// the answers go on from it where the steps here left off.
TEST_CASE_METHOD(pool_fixture, "a member whose job is late is stepped in turn until the job is back, with the same answers",
                 "[parallel]") {
  const ml::fit_data data{splits.train.x, splits.train.y, splits.val.x, splits.val.y, 1};
  const ml::param_map params = {{"use_lstm", 1}, {"lstm.max_epochs", 4}, {"lstm.seq_len", 10}};
  for (int late : {3, 12}) {
    INFO("late by " << late << " collects");
    ml::ensemble_model in_turn, pooled;
    in_turn.start(data, params, 5);
    pooled.start(data, params, 5);
    pooled.fit_members_on(std::make_unique<late_pool>(late), std::chrono::milliseconds(0));
    check_same_trace(drive_ensemble(in_turn, splits, "lstm", 2, false), drive_ensemble(pooled, splits, "lstm", 2, false));
  }
}

TEST_CASE_METHOD(pool_fixture, "a member whose job fails on the workers is fitted in turn instead, with the same answers",
                 "[parallel]") {
  const ml::fit_data data{splits.train.x, splits.train.y, splits.val.x, splits.val.y, 1};
  ml::ensemble_model in_turn, pooled;
  in_turn.start(data, {}, 4);
  pooled.start(data, {}, 4);
  workers.abandon();  // every job on the workers gives up at its first step
  pooled.fit_members_on(pool());
  check_same_trace(drive_ensemble(in_turn, splits), drive_ensemble(pooled, splits));
}

namespace {

struct ensemble_answers {
  std::vector<msg::fit_progress> steps;
  msg::fit_kept kept;
  msg::evaluation evaluation;
};

// The engine's side of a trial's ensemble fit: step to the end, stop, evaluate
// on the test part. With `modify_at` > 0 the agent modifies the fit (stacking)
// at that step, while the first fit's members may still be on the workers.
ensemble_answers drive_fit(caf::actor_system& sys, const actors::trainer_actor& trainer, const ml::bar_series& bars,
                           std::size_t modify_at = 0) {
  caf::scoped_actor self{sys};
  ask<msg::prepared>(self, trainer, msg::prepare_request{msg::trial_id{1}, msg::shared_bars{bars}, 1});
  ml::param_map params = {{"use_lstm", 1}, {"lstm.max_epochs", 2}, {"lstm.seq_len", 10}};
  ask<msg::fit_started>(self, trainer, msg::fit_request{msg::trial_id{1}, "ensemble", params, 0.7, 0.15, 1, 42});
  ensemble_answers out;
  do {
    out.steps.push_back(ask<msg::fit_progress>(self, trainer, msg::fit_step_request{msg::trial_id{1}}));
    REQUIRE(out.steps.size() < 10000);
    if (out.steps.size() != modify_at) continue;
    params["mode"] = 1;
    ask<msg::fit_started>(self, trainer, msg::fit_request{msg::trial_id{1}, "ensemble", params, 0.7, 0.15, 1, 42});
  } while (!out.steps.back().done);
  out.kept = ask<msg::fit_kept>(self, trainer, msg::fit_stop_request{msg::trial_id{1}});
  msg::evaluate_request ev;
  ev.trial_id = msg::trial_id{1};
  ev.include_test = true;
  out.evaluation = ask<msg::evaluation>(self, trainer, ev);
  return out;
}

}  // namespace

TEST_CASE_METHOD(counted_trainers,
                 "a detached trainer fits the trial's ensemble members on the fit workers and answers every step as in turn",
                 "[parallel]") {
  std::size_t modify_at = 0;
  int fits = 1;
  SECTION("fitted to its end") {}
  SECTION("modified by the agent at its second step") {
    modify_at = 2;
    fits = 2;
  }
  const auto in_turn = drive_fit(sys, this->in_turn(), bars, modify_at);
  CHECK(*jobs == 0);
  const auto pooled = drive_fit(sys, this->pooled(), bars, modify_at);
  CHECK(*jobs == 3 * fits);  // logistic, xgboost and the LSTM, each one job per fit
  REQUIRE(in_turn.steps.size() == pooled.steps.size());
  for (std::size_t i = 0; i < in_turn.steps.size(); ++i) {
    const auto &a = in_turn.steps[i], &b = pooled.steps[i];
    INFO("step " << i + 1 << " " << a.part_what);
    CHECK(a.step == b.step);
    CHECK(a.total == b.total);
    CHECK(a.measured == b.measured);
    CHECK(same_bits(a.val_loss, b.val_loss));
    CHECK(same_bits(a.train_loss, b.train_loss));
    CHECK(a.part_what == b.part_what);
  }
  CHECK(in_turn.kept.what == pooled.kept.what);
  CHECK(same_bits(in_turn.kept.val_loss, pooled.kept.val_loss));
  CHECK(same_bits(in_turn.evaluation.test_prob, pooled.evaluation.test_prob));
  CHECK(same_bits(in_turn.evaluation.val.log_loss, pooled.evaluation.val.log_loss));
  CHECK(in_turn.evaluation.test_prob.size() > 100);
}
