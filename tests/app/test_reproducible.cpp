// The same approved plan with the same seed gives the same transcript and the
// same report, byte for byte apart from timestamps and ids. Each run gets a
// fresh daemon: a second trial on the same daemon rightly sees the first
// (forward portfolios, configurations fitted for the symbol).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/daemon_process.hpp"
#include "tests/support/normalised.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::daemon_process;
using mlt::test::frame_reader;
using mlt::test::normalised;

namespace {

struct trial_run {
  std::vector<std::string> transcript;  ///< one normalised line per event: seq speaker kind text data
  std::string report;                   ///< the report frame, normalised
};

trial_run run_once(const std::string& name, const std::string& request, std::vector<std::string> flags = {}) {
  daemon_process d(mlt::test::fresh_dir(name), std::move(flags));
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");
  c.send(R"({"type":"chat","text":")" + request + R"("})");
  auto p = r.until("proposal");
  c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(p.num("proposal_id"))) +
         "}");
  const auto trial_id = static_cast<std::int64_t>(r.until("reply").num("trial_id"));
  REQUIRE(trial_id > 0);
  trial_run out;
  out.report = normalised(r.until("report", std::chrono::seconds(300)).raw);
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(trial_id) + "}");
  auto t = r.until("trial");
  for (auto line : t.doc["transcript"].get_array()) {
    std::string_view speaker, kind, text, data;
    std::int64_t seq = 0;
    CHECK(!line["seq"].get_int64().get(seq));
    CHECK(!line["speaker"].get_string().get(speaker));
    CHECK(!line["kind"].get_string().get(kind));
    CHECK(!line["text"].get_string().get(text));
    std::string data_text = simdjson::minify(line["data"]);
    out.transcript.push_back(normalised(std::to_string(seq) + " " + std::string(speaker) + " " + std::string(kind) +
                                        " " + std::string(text) + " " + data_text));
  }
  CHECK(d.stop() == 0);
  return out;
}

void check_same(const trial_run& a, const trial_run& b) {
  for (std::size_t i = 0; i < std::min(a.transcript.size(), b.transcript.size()); ++i) {
    INFO("transcript line " << i + 1);
    CHECK(a.transcript[i] == b.transcript[i]);
  }
  CHECK(a.transcript.size() == b.transcript.size());
  CHECK(a.report == b.report);
}

int count_lines(const trial_run& t, const std::string& needle) {
  int n = 0;
  for (const auto& l : t.transcript)
    if (l.find(needle) != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("an xgboost trial run twice with the same plan and seed gives the same transcript and report",
          "[integration]") {
  const auto first = run_once("repro-xgb-1", "Run trial on TSLA with xgboost");
  const auto second = run_once("repro-xgb-2", "Run trial on TSLA with xgboost");
  REQUIRE(first.transcript.size() >= 6);
  // Real decisions were taken, so the comparison covers them.
  CHECK(count_lines(first, " mlTrainer decision ") >= 2);
  check_same(first, second);
}

TEST_CASE("a trial with an optimise decision run twice gives the same transcript and report", "[integration]") {
  const auto first = run_once("repro-opt-1", "Run trial on TSLA with xgboost and optimize");
  const auto second = run_once("repro-opt-2", "Run trial on TSLA with xgboost and optimize");
  CHECK(count_lines(first, "ACTION optimize") == 1);
  CHECK(count_lines(first, "Optimiser tried") == 1);
  // Had the wall-clock limit cut the search, the transcript would say so;
  // here the budget ends it, so the choice can repeat.
  CHECK(count_lines(first, "time limit") == 0);
  check_same(first, second);
}

TEST_CASE("an optimise decision and the walk-forward evidence give the same transcript and report with their folds "
          "in turn and on three fit workers",
          "[integration]") {
  const auto in_turn = run_once("repro-fits-1", "Run trial on TSLA with xgboost and optimize", {"--parallel-fits", "1"});
  const auto pooled = run_once("repro-fits-3", "Run trial on TSLA with xgboost and optimize", {"--parallel-fits", "3"});
  CHECK(count_lines(in_turn, "Optimiser tried") == 1);
  CHECK(count_lines(in_turn, "Walk-forward fold") >= 2);
  check_same(in_turn, pooled);
}

TEST_CASE("an ensemble trial gives the same transcript and report with its members in turn and on three fit workers",
          "[integration]") {
  const auto in_turn = run_once("repro-ens-1", "Run trial on TSLA with ensemble", {"--parallel-fits", "1"});
  const auto pooled = run_once("repro-ens-3", "Run trial on TSLA with ensemble", {"--parallel-fits", "3"});
  // The agent was asked at the members' checkpoints, and the same questions both times.
  CHECK(count_lines(in_turn, "Checkpoint at") >= 2);
  CHECK(count_lines(in_turn, "member xgboost") >= 1);
  check_same(in_turn, pooled);
}
