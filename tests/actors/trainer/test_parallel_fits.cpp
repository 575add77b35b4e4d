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

}  // namespace

TEST_CASE("a detached trainer sends its folds and members to the fit workers and answers as one fitting in turn",
          "[parallel]") {
  registered cfg;
  caf::actor_system sys{cfg};
  auto bars = ml::read_csv_file(MLT_TEST_DATA_DIR, "AAPL_daily.csv");
  const auto jobs = std::make_shared<std::atomic<int>>(0);
  actors::fit_workers counted;
  for (int i = 0; i < 2; ++i) counted.workers.push_back(sys.spawn<caf::detached>(counting_worker, jobs));
  const auto in_turn = drive(sys, actors::spawn_trainer(sys), bars);
  CHECK(*jobs == 0);
  const auto pooled = drive(sys, actors::spawn_trainer(sys, actors::thread_mode::detached, counted), bars);
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
