// Walk-forward evidence through the real daemon: folds in the report, the
// test part as the last fold, a progress line per fold, cancel during it.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <fstream>

#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

namespace {

std::string write_defaults(const std::string& name, const std::string& trial_defaults) {
  const auto path = mlt::test::fresh_dir(name) + "/mltrainer.json";
  std::ofstream(path) << R"({"trial_defaults": )" << trial_defaults << "}\n";
  return path;
}

// Proposes a trial on synthetic TSLA bars, approves it and returns its id.
std::int64_t approve_trial(mlt::net::ws_client& c, frame_reader& r) {
  c.send(R"({"type":"chat","text":"Run trial on TSLA"})");
  auto p = r.until("proposal");
  c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(p.num("proposal_id"))) + "}");
  return static_cast<std::int64_t>(r.until("reply").num("trial_id"));
}

}  // namespace

TEST_CASE("a trial's report carries k walk-forward folds, the last one the test part, each shown as it finishes",
          "[integration]") {
  const auto config = write_defaults("wf-config", R"({"model": "logistic", "wf_folds": 4, "wf_window": "rolling"})");
  daemon_process d(mlt::test::fresh_dir("wf"), {"--config", config});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");
  const auto id = approve_trial(c, r);
  REQUIRE(id > 0);
  r.seen.clear();
  auto report = r.until("report", std::chrono::seconds(240));

  // One progress line per fold, in order, with its JSON payload.
  std::vector<int> folds_seen;
  for (const auto& f : r.seen) {
    if (f.type() != "event" || f.str("text").rfind("Walk-forward fold ", 0) != 0) continue;
    auto data = frame{f.raw, f.doc["data"]};
    CHECK(data.str("phase") == "walk_forward");
    CHECK(data.num("folds") == 4);
    CHECK(data.num("fraction") == Approx(data.num("fold") / 4.0));
    CHECK(f.str("text").find("(rolling; early stopping on ") != std::string::npos);
    CHECK(f.str("text").find("accuracy ") != std::string::npos);
    folds_seen.push_back(static_cast<int>(data.num("fold")));
  }
  CHECK(folds_seen == std::vector<int>{1, 2, 3, 4});

  auto wf = report.doc["walk_forward"];
  auto folds = wf["folds"].get_array();
  REQUIRE(folds.size() == 4);
  std::string_view window, first, last, prev_last;
  CHECK(!wf["window"].get_string().get(window));
  CHECK(window == "rolling");
  // The last fold predicts exactly the test part; blocks follow each other in time.
  auto data = frame{report.raw, report.doc["data"]};
  std::int64_t n_sum = 0;
  for (auto f : folds) {
    CHECK(!f["first"].get_string().get(first));
    CHECK(!f["last"].get_string().get(last));
    CHECK(first <= last);
    if (!prev_last.empty()) CHECK(prev_last < first);
    prev_last = last;
    std::int64_t n = 0;
    CHECK(!f["n"].get_int64().get(n));
    n_sum += n;
    // Fit rows, then the early-stopping tail, then the predicted block, in time order.
    std::string_view train_last, stop_first, stop_last;
    CHECK(!f["train_last"].get_string().get(train_last));
    CHECK(!f["stop_first"].get_string().get(stop_first));
    CHECK(!f["stop_last"].get_string().get(stop_last));
    CHECK(train_last < stop_first);
    CHECK(stop_first <= stop_last);
    CHECK(stop_last < first);
  }
  CHECK(std::string(first) == data.str("test_first_date"));
  CHECK(std::string(last) == data.str("test_last_date"));
  std::int64_t test_n = 0;
  CHECK(!folds.at(3)["n"].get_int64().get(test_n));
  CHECK(test_n == static_cast<std::int64_t>(frame{report.raw, report.doc["metrics"]["test"]}.num("n")));

  auto pooled = frame{report.raw, wf["pooled"]};
  CHECK(pooled.num("n") == n_sum);
  CHECK(pooled.num("accuracy") >= 0.0);
  CHECK(pooled.num("accuracy") <= 1.0);
  CHECK(pooled.num("accuracy_se") > 0.0);
  CHECK(pooled.num("auc_se") > 0.0);
  CHECK(pooled.num("ic_se") > 0.0);
  CHECK(std::isfinite(frame{report.raw, wf["paper"]}.num("total_return")));
  CHECK(std::isfinite(frame{report.raw, wf["buy_hold"]}.num("total_return")));
  CHECK(std::isfinite(frame{report.raw, wf["sma_cross"]}.num("total_return")));
  // The answer rests on the walk-forward evidence.
  const auto text = report.str("text");
  CHECK(text.find("alk-forward") != std::string::npos);
  CHECK(text.find("folds beat the majority rate") != std::string::npos);
  CHECK(d.stop() == 0);
}

TEST_CASE("cancelling during walk-forward ends the trial as cancelled promptly", "[integration]") {
  const auto config = write_defaults("wf-cancel-config", R"({"model": "xgboost", "wf_folds": 20, "decision_budget": 0,
        "params": {"n_rounds": 2000, "early_stopping": 0, "max_depth": 6}})");
  daemon_process d(mlt::test::fresh_dir("wf-cancel"), {"--config", config});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  const auto id = approve_trial(c, r);
  REQUIRE(id > 0);
  for (;;) {
    auto f = r.next(std::chrono::seconds(240));
    REQUIRE(f.type() != "report");
    if (f.type() == "event" && f.str("text").rfind("Walk-forward evidence:", 0) == 0) break;
  }
  const auto t0 = std::chrono::steady_clock::now();
  c.send(R"({"type":"cancel","trial_id":)" + std::to_string(id) + "}");
  r.seen.clear();
  auto failed = r.until("trial_failed", std::chrono::seconds(30));
  const auto waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(failed.str("status") == "cancelled");
  CHECK(waited < 5.0);
  // Twenty folds of 2,000 xgboost rounds outlast the cancel: the last fold never reports.
  for (const auto& f : r.seen) {
    CHECK(f.str("text").rfind("Walk-forward fold 20/20", 0) != 0);
    CHECK(f.str("text").rfind("Paper trading over", 0) != 0);
  }
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(id) + "}");
  auto t = r.until("trial");
  std::string_view status;
  CHECK(!t.doc["trial"]["status"].get_string().get(status));
  CHECK(status == "cancelled");
  CHECK(d.stop() == 0);
}
