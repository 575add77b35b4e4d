// Multiple testing through the real daemon: the deflated Sharpe ratio of a
// trial counts every configuration fitted for its symbol and target on this
// daemon, not only its own, and the report says which validation rows chose what.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

namespace {

// Proposes, approves and waits for the report of one trial.
frame run_trial(mlt::net::ws_client& c, frame_reader& r, const std::string& model) {
  chat(c, "Run trial on TSLA");
  r.until("proposal");
  // A threshold just above 0.5 lets the strategy trade, so there is a Sharpe to deflate.
  chat(c, "use " + model + " and long threshold 0.501");
  auto p = r.until("proposal");
  REQUIRE(p.str("model") == model);
  mlt::test::approve(c, p);
  r.until("reply");
  return r.until("report", std::chrono::seconds(400));
}

std::int64_t count(const frame& report, const char* key) {
  return static_cast<std::int64_t>(frame{report.raw, report.doc["multiple_testing"]}.num(key));
}

}  // namespace

TEST_CASE("the second trial's deflated Sharpe counts the first trial's configurations", "[integration]") {
  const auto state = mlt::test::fresh_dir("multiple_testing");
  daemon_process d(state);
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");

  const auto first = run_trial(c, r, "logistic");
  const auto n1 = count(first, "this_trial");
  REQUIRE(n1 >= 1);
  // On a fresh daemon the first trial's configurations are all there are.
  CHECK(count(first, "daemon_configurations") == n1);
  CHECK(count(first, "daemon_trials") == 1);
  CHECK(frame{first.raw, first.doc["multiple_testing"]}.str("target") == "direction-1d");
  CHECK(frame{first.raw, first.doc["paper"]}.num("trials") == n1);

  const auto second = run_trial(c, r, "xgboost");
  const auto n2 = count(second, "this_trial");
  REQUIRE(n2 >= 1);
  const auto total = count(second, "daemon_configurations");
  CHECK(total == n1 + n2);
  CHECK(count(second, "daemon_trials") == 2);
  // Every finished fit was measured on the configuration-choice rows.
  const auto measured = count(second, "with_sharpe");
  CHECK(measured >= 2);
  CHECK(measured <= total);
  const auto mt = frame{second.raw, second.doc["multiple_testing"]};
  CHECK(mt.str("variance_source") == "across configurations");
  CHECK(mt.num("sharpe_variance") >= 0);
  // The deflated Sharpe ratio is computed with the daemon-wide count ...
  const auto paper = frame{second.raw, second.doc["paper"]};
  CHECK(paper.num("trials") == total);
  // ... so with trades it lies below the probabilistic Sharpe (N = 1).
  REQUIRE(paper.num("trades") > 0);
  CHECK(paper.num("dsr") <= paper.num("psr"));
  CHECK((paper.num("dsr") < paper.num("psr") || paper.num("psr") < 1e-9));
  // The report says both counts in words.
  const std::string text = second.str("text");
  CHECK(text.find("This trial fitted " + std::to_string(n2) + " configuration(s); " + std::to_string(total) +
                  " have been fitted for TSLA direction-1d on this daemon") != std::string::npos);

  // Which rows chose what: early stopping before configuration choice, disjoint.
  auto uses = second.doc["validation_use"].get_array().value();
  REQUIRE(uses.size() == 2);
  const frame stop{second.raw, uses.at(0)};
  const frame choice{second.raw, uses.at(1)};
  CHECK(stop.str("purpose").find("early stopping") == 0);
  CHECK(choice.str("purpose").find("configuration choice") == 0);
  CHECK(stop.num("rows") >= 10);
  CHECK(choice.num("rows") >= 10);
  CHECK(stop.str("last_date") < choice.str("first_date"));  // ISO dates order as text
  CHECK(text.find("Validation rows, each used for one choice only:") != std::string::npos);
  CHECK(text.find("real after " + std::to_string(total) + " configuration(s), with the variance of their validation "
                  "Sharpe ratios") != std::string::npos);
  CHECK(d.stop() == 0);
}
