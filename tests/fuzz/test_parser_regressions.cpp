// Inputs the fuzzers (tests/fuzz) found that once broke a parser, each
// checked for the clear answer it must give now. The same inputs are in
// tests/fuzz/corpus/<parser>/regress_*, replayed by ctest fuzz_replay_*.

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "actors/brain/intent.hpp"
#include "actors/brain/plan_rules.hpp"
#include "messages/plan.hpp"
#include "ml/market/csv_reader.hpp"
#include "net/polygon_client.hpp"

using namespace mlt;

TEST_CASE("an empty Polygon body is malformed JSON, not a null memcpy", "[fuzz][polygon]") {
  net::aggs_parser parser;
  std::vector<ml::bar> bars;
  CHECK_THROWS_WITH(parser.parse("", bars, true), Catch::Contains("malformed or truncated JSON"));
  CHECK(bars.empty());
  // The reused buffer still serves a real page afterwards.
  auto page = parser.parse(R"({"status":"OK","results":[{"t":1704153600000,"o":1,"h":2,"l":0.5,"c":1.5}]})", bars, true);
  CHECK(page.bars == 1);
}

// ---- chat lines: numbers too large (or too small) for std::stoi/stod

namespace {

brain::intent read(const std::string& line) {
  return brain::parse_intent(line, true, [](const std::string& s) { return s == "AAPL" || s == "SPY"; });
}

std::string zeros(int n) { return std::string(static_cast<std::size_t>(n), '0'); }

}  // namespace

TEST_CASE("chat numbers beyond int or double are read, not thrown, and the plan check refuses them",
          "[fuzz][intent]") {
  msg::trial_plan plan;
  plan.symbol = "SPY";
  plan.model = "logistic";
  REQUIRE(msg::check_plan(plan).empty());

  brain::intent in;
  REQUIRE_NOTHROW(in = read("horizon 99999999999 days"));
  REQUIRE(in.changes.horizon);
  CHECK(*in.changes.horizon > 252);
  CHECK_THAT(brain::apply_edit(plan, in.changes), Catch::Contains("horizon must be"));

  REQUIRE_NOTHROW(in = read("train ratio 0." + zeros(400) + "1"));
  REQUIRE(in.changes.train_ratio);
  CHECK(*in.changes.train_ratio >= 0.0);
  CHECK(*in.changes.train_ratio < 1e-300);
  CHECK_THAT(brain::apply_edit(plan, in.changes), Catch::Contains("train_ratio"));

  REQUIRE_NOTHROW(in = read("run AAPL with cash 1" + zeros(400)));
  REQUIRE(in.changes.cash);
  CHECK_THAT(brain::apply_edit(plan, in.changes), Catch::Contains("starting cash"));

  REQUIRE_NOTHROW(in = read("use the last 99999999999 decades"));
  REQUIRE(in.changes.lookback_days);
  CHECK(*in.changes.lookback_days > 0);
  CHECK_THAT(brain::apply_edit(plan, in.changes, "2024-01-02"), Catch::Contains("out of range"));

  REQUIRE_NOTHROW(in = read("show trial 99999999999999999999999"));
  CHECK(in.kind == brain::intent::show);
  CHECK(in.trial_id > 0);

  REQUIRE_NOTHROW(in = read("paper trade AAPL replay pace 99999999999 ms"));
  CHECK(in.pace_ms > 0);
}

TEST_CASE("chat numbers that fit are read exactly as before", "[fuzz][intent]") {
  auto in = read("run SPY seed 18446744073709551615 horizon 5 days train ratio 0.7 cash 50k");
  REQUIRE(in.changes.seed);
  CHECK(*in.changes.seed == 18446744073709551615ULL);
  CHECK(in.changes.horizon == 5);
  CHECK(in.changes.train_ratio == Approx(0.7));
  CHECK(in.changes.cash == Approx(50000.0));
  CHECK(read("run SPY seed 99999999999999999999999").changes.seed == 18446744073709551615ULL);
  CHECK(read("show trial 12").trial_id == 12);
}

TEST_CASE("Polygon bar times out of any plausible range are malformed, not undefined casts", "[fuzz][polygon]") {
  net::aggs_parser parser;
  std::vector<ml::bar> bars;
  const std::string bar = R"("o":1,"h":2,"l":0.5,"c":1.5,"v":10)";
  CHECK_THROWS_WITH(parser.parse(R"({"results":[{)" + bar + R"(,"t":1.7041536e52}]})", bars, true),
                    Catch::Contains("'t' is out of range"));
  CHECK_THROWS_WITH(parser.parse(R"({"results":[{)" + bar + R"(,"t":-9223372036854775808}]})", bars, false),
                    Catch::Contains("'t' is out of range"));
  // A float millisecond time inside the range still works.
  auto page = parser.parse(R"({"results":[{)" + bar + R"(,"t":1.7041536e12}]})", bars, true);
  CHECK(page.bars == 1);
  CHECK(bars.back().time == 1704153600);
}

TEST_CASE("a CSV epoch time of INT64_MIN milliseconds is floored without overflow", "[fuzz][csv]") {
  const auto s = ml::parse_csv("t,o,h,l,c,v\n-9223372036854775808,1,2,0.5,1.5,10\n-1500,1,2,0.5,1.5,10\n", "x.csv");
  REQUIRE(s.bars.size() == 2);
  // floor(-9223372036854775.808 s) = -9223372036854776 s, then (daily bars) floored to its day
  CHECK(s.bars[0].time == -106751991168 * 86400);
  CHECK(s.bars[1].time == -86400);  // -1.5 s lies on 1969-12-31, as before
}

TEST_CASE("a chat line longer than the rules parser reads is refused by length, not by a stack overflow",
          "[fuzz][intent]") {
  const std::string huge = "horizon " + std::string(30000, '9');
  brain::intent in;
  REQUIRE_NOTHROW(in = read(huge));
  CHECK(in.kind == brain::intent::unknown);
  CHECK(in.too_long);
  REQUIRE(in.problems.size() == 1);
  CHECK_THAT(in.problems[0], Catch::Contains("30008 characters") && Catch::Contains("at most 4000"));
  // At the limit the line is still read (the regexes' recursion stays far inside the stack).
  const std::string at_limit = "run AAPL last" + std::string(brain::max_chat_line_chars - 20, ' ') + "3 years";
  REQUIRE(at_limit.size() <= brain::max_chat_line_chars);
  in = read(at_limit);
  CHECK_FALSE(in.too_long);
  CHECK(in.changes.symbol == std::string("AAPL"));
}
