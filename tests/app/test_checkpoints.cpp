// Through the real daemon: the LSTM and the Transformer on 20 years of daily
// SPY bars with default parameters. Their epochs take more than one fit step,
// so the engine sees steps that end inside an epoch; a progress question must
// still only come at finished, measured epochs.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

namespace {

double number(const frame& f, const char* key) {
  double v = 0;
  if (!f.doc["data"][key].get_double().get(v)) return v;
  std::int64_t i = 0;
  if (!f.doc["data"][key].get_int64().get(i)) return static_cast<double>(i);
  FAIL("event data has no number '" << key << "': " << f.raw);
  return 0;
}

std::string text_of(const frame& f, const char* key) {
  std::string_view v;
  return f.doc["data"][key].get_string().get(v) ? std::string() : std::string(v);
}

bool has(const frame& f, const char* key) { return f.doc["data"][key].error() == simdjson::SUCCESS; }

// Runs one trial of `model` up to its initial results, checks every progress
// question and line on the way, then cancels the rest of the trial.
void check_checkpoints(mlt::net::ws_client& c, frame_reader& r, const std::string& model, const std::string& unit,
                       bool epochs_span_steps) {
  chat(c, "Run trial on SPY with " + model + " and train ratio 0.8");
  auto p = r.until("proposal");
  REQUIRE(p.str("model") == model);
  mlt::test::approve(c, p);
  const auto id = static_cast<std::int64_t>(r.until("reply").num("trial_id"));
  REQUIRE(id > 0);

  int questions = 0, partial_lines = 0, kept_lines = 0;
  int last_question_step = 0;
  std::vector<std::string> progress_answers;  // decisions taken at progress questions
  bool awaiting_progress_answer = false;
  long train_rows = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  for (;;) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    const frame f = r.next(std::chrono::seconds(120));
    if (f.type() == "trial_failed") FAIL("the trial failed: " << f.raw);
    if (f.type() != "event") continue;
    const std::string kind = f.str("kind"), text = f.str("text");
    INFO(text);
    if (text.rfind("Fitting " + model, 0) == 0) {
      train_rows = std::stol(text.substr(text.find(") on ") + 5));
      last_question_step = 0;  // a new fit counts its steps from the start
    }
    if (kind == "progress" && text_of(f, "phase") == "train") {
      REQUIRE(has(f, "measured"));
      bool measured = false;
      CHECK(!f.doc["data"]["measured"].get_bool().get(measured));
      if (measured) {
        CHECK(number(f, "val_loss") > 0);
        CHECK(number(f, "train_loss") > 0);
      } else {
        ++partial_lines;
        CHECK_FALSE(has(f, "val_loss"));  // nothing measured, nothing shown as a loss
        CHECK(text.find("validation loss") == std::string::npos);
      }
    }
    if (kind == "question" && text_of(f, "question") == "progress") {
      ++questions;
      const int step = static_cast<int>(number(f, "step"));
      CHECK(step > last_question_step);
      last_question_step = step;
      CHECK(number(f, "train_loss") > 0);
      CHECK(number(f, "val_loss") > 0);
      CHECK(text_of(f, "unit") == unit);
      awaiting_progress_answer = true;
    }
    if (kind == "decision" && awaiting_progress_answer) {
      progress_answers.push_back(text_of(f, "action"));
      awaiting_progress_answer = false;
    }
    if (kind == "status" && text.find("; kept ") != std::string::npos) {
      ++kept_lines;
      CHECK(text.find("validation loss 0.") != std::string::npos);
    }
    if (text.rfind("Initial results for", 0) == 0) break;
  }
  INFO(model << ": " << train_rows << " training rows, " << questions << " progress questions, " << partial_lines
              << " progress lines inside an epoch");
  CHECK(train_rows >= 4000);
  // The case of the bug: an epoch needs more than one fit step.
  if (epochs_span_steps) CHECK(partial_lines > 0);
  REQUIRE(questions >= 1);
  REQUIRE_FALSE(progress_answers.empty());
  CHECK(progress_answers.front() != "stop");  // no phantom stall at the first checkpoint
  CHECK(kept_lines == 1);

  c.send(R"({"type":"cancel","trial_id":)" + std::to_string(id) + "}");
  CHECK(r.until("trial_failed").str("status") == "cancelled");
}

}  // namespace

TEST_CASE("LSTM, Transformer, XGBoost and the ensemble on 20 years of daily bars are asked only at measured steps",
          "[integration][checkpoints]") {
  const std::string spy = std::string(MLT_TEST_DATA_DIR) + "/SPY_daily.csv";
  std::ifstream in(spy);
  if (!in) FAIL("missing: " << spy);
  const auto data = mlt::test::fresh_dir("checkpoints-data");
  {
    std::ofstream out(data + "/SPY.csv");
    out << in.rdbuf();
  }
  daemon_process d(mlt::test::fresh_dir("checkpoints-state"), {"--data-dir", data});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");

  SECTION("lstm") { check_checkpoints(c, r, "lstm", "epoch", true); }
  SECTION("transformer") { check_checkpoints(c, r, "transformer", "epoch", true); }
  // XGBoost measures every 10 rounds: its checkpoints count measured steps.
  SECTION("xgboost") { check_checkpoints(c, r, "xgboost", "round", false); }
  // The ensemble is asked at its members' measured units, each member afresh.
  SECTION("ensemble") { check_checkpoints(c, r, "ensemble", "step", false); }
}
