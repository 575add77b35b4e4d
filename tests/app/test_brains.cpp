// The agent thinking with Claude: the real daemon, its real Anthropic client,
// and a loopback server that speaks the Messages API. The fake model answers
// by the tool it is asked for; one answer is out of range on purpose.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include <simdjson.h>

#include "net/http_client.hpp"
#include "tests/net/loopback_http_server.hpp"
#include "tests/support/claude_wire.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame_reader;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

const char* fake_key = "sk-ant-test-KEY-must-never-leak-1234";

// Switches the conversation to Claude and waits for the daemon's answer.
void use_claude(mlt::net::ws_client& c, frame_reader& r) {
  chat(c, "use claude");
  r.until("reply");
}

using mlt::test::claude_tool_use;

// A scripted Claude: proposes trials, decides at checkpoints (the first
// volatility answer names train_ratio 7, the repair a valid 0.6) and writes
// reports.
struct fake_claude {
  std::mutex m;
  int requests = 0;
  int bad_key = 0;
  int volatility_asked = 0;

  loopback_reply operator()(const loopback_request& req) {
    std::lock_guard<std::mutex> lock(m);
    ++requests;
    if (auto no = mlt::test::refuse_without_key(req, fake_key)) {
      ++bad_key;
      return *no;
    }
    loopback_reply r;
    r.headers.push_back({"content-type", "application/json"});
    const std::string& b = req.body;
    auto forced = [&](const std::string& tool) { return mlt::test::forces_tool(b, tool); };
    if (forced("decide")) {
      if (b.find("vol_annual") != std::string::npos && b.find("\"is_error\":true") == std::string::npos) {
        ++volatility_asked;
        r.body = claude_tool_use("decide", R"({"action":"set_train_ratio","reason":"volatile","params":{"train_ratio":7}})");
      } else if (b.find("vol_annual") != std::string::npos) {
        r.body = claude_tool_use("decide", R"({"action":"set_train_ratio","reason":"repaired","params":{"train_ratio":0.6}})");
      } else {
        r.body = claude_tool_use("decide", R"({"action":"continue","reason":"claude sees steady progress","params":{}})");
      }
    } else if (forced("write_report")) {
      r.body = claude_tool_use("write_report", R"({"answer":"Claude's answer: no reliable edge.","analysis":"Test accuracy is near the majority rate.","trading_insights":"Costs eat the small edge.","recommendations":"Do not trade it.","caveats":"The data is synthetic. Multiple testing: several configurations were fitted, see the deflated Sharpe. Costs matter; the sample is small."})");
    } else if (b.find("Run trial on AAPL") != std::string::npos && b.find("propose_trial") != std::string::npos &&
               b.find("toolu_propose_trial") == std::string::npos) {
      r.body = claude_tool_use("propose_trial", R"({"symbol":"AAPL","model":"xgboost","data_source":"csv"})");
    } else if (b.find("Run trial on TSLA") != std::string::npos && b.find("propose_trial") != std::string::npos &&
               b.find("toolu_propose_trial") == std::string::npos) {
      r.body = claude_tool_use("propose_trial", R"({"symbol":"TSLA","model":"xgboost","data_source":"synthetic"})");
    } else {
      r.body = claude_tool_use("reply", R"({"text":"I am Claude inside mlTrainer."})");
    }
    return r;
  }
};

}  // namespace

TEST_CASE("with 'use claude' the agent proposes, decides and reports through the Messages API, and repairs or "
          "overrules a bad answer",
          "[integration][brain]") {
  fake_claude claude;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return claude(q); });
  ::setenv("ANTHROPIC_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("ANTHROPIC_API_KEY", fake_key, 1);
  const auto state = mlt::test::fresh_dir("brains");
  daemon_process d(state, {"--decision-deadline-ms", "5000"});
  ::unsetenv("ANTHROPIC_API_KEY");
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");

  chat(c, "use claude");
  auto switched = r.until("reply");
  CHECK(switched.str("text").find("claude") != std::string::npos);

  chat(c, "Run trial on TSLA");
  auto p = r.until("proposal");
  CHECK(p.str("symbol") == "TSLA");
  chat(c, "yes");
  r.seen.clear();
  auto report = r.until("report", std::chrono::seconds(300));
  std::string all;
  for (const auto& f : r.seen) all += f.raw + "\n";
  // Claude decided at least one checkpoint, and the out-of-range train_ratio
  // was not used: repaired on the second ask.
  CHECK(claude.volatility_asked >= 1);
  CHECK(all.find("\"brain\":\"anthropic\"") != std::string::npos);
  CHECK(all.find(R"("brain":"anthropic","note":"claude's first answer was rejected (train_ratio 7)") != std::string::npos);
  CHECK(all.find(R"("params":{"train_ratio":0.6})") != std::string::npos);
  CHECK(report.raw.find("Claude's answer") != std::string::npos);
  CHECK(report.raw.find(fake_key) == std::string::npos);
  CHECK(claude.bad_key == 0);

  // The tokens Claude's answers reported are counted for Prometheus.
  mlt::net::http_client http;
  mlt::net::http_request get;
  get.url = "http://127.0.0.1:" + std::to_string(d.port()) + "/metrics";
  auto metrics = http.send(get);
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find(R"(mltrainer_llm_tokens_total{brain="anthropic",direction="input"})") != std::string::npos);

  // Switch back: the rules brain answers without calling the server.
  chat(c, "use rules");
  r.until("reply");
  const int before = claude.requests;
  chat(c, "Run trial on AAPL");
  r.until("proposal");
  CHECK(claude.requests == before);
}

TEST_CASE("a rejected key is told to the person without the key, and the rules brain carries on",
          "[integration][brain]") {
  fake_claude claude;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return claude(q); });
  ::setenv("ANTHROPIC_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("ANTHROPIC_API_KEY", "sk-ant-wrong-key-0000", 1);
  const auto state = mlt::test::fresh_dir("brains_badkey");
  daemon_process d(state);
  ::unsetenv("ANTHROPIC_API_KEY");
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  use_claude(c, r);
  chat(c, "Run trial on TSLA");
  auto p = r.until("proposal");
  CHECK(p.str("symbol") == "TSLA");
  std::string all;
  for (const auto& f : r.seen) all += f.raw + "\n";
  CHECK(all.find("sk-ant-wrong-key") == std::string::npos);
  CHECK(claude.bad_key >= 1);
}

TEST_CASE("'compare brains' runs the approved plan under claude, the rules brain and no intervention and puts the "
          "test results side by side",
          "[integration][brain]") {
  fake_claude claude;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return claude(q); });
  ::setenv("ANTHROPIC_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("ANTHROPIC_API_KEY", fake_key, 1);
  const auto state = mlt::test::fresh_dir("brains_compare");
  daemon_process d(state, {"--brain", "anthropic"});
  ::unsetenv("ANTHROPIC_API_KEY");
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  auto hello = r.next();
  REQUIRE(hello.type() == "hello");
  chat(c, "use rules");
  r.until("reply");
  chat(c, "Run trial on SPY with synthetic data");
  r.until("proposal");
  chat(c, "compare brains");
  auto started = r.until("reply");
  CHECK(started.str("text").find("no intervention") != std::string::npos);
  // Three reports and the comparison, in whatever order the store commits them.
  int reports = 0;
  std::string table;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while ((reports < 3 || table.empty()) && std::chrono::steady_clock::now() < deadline) {
    auto f = r.next(std::chrono::seconds(120));
    if (f.type() == "report") ++reports;
    if (f.type() == "reply" && f.str("text").find("Did the agent help?") != std::string::npos) table = f.str("text");
  }
  CHECK(reports == 3);
  REQUIRE(!table.empty());
  CHECK(table.find("claude") != std::string::npos);
  CHECK(table.find("rules") != std::string::npos);
  CHECK(table.find("no intervention") != std::string::npos);
  CHECK(table.find("standard error") != std::string::npos);
}

TEST_CASE("'compare xgboost and logistic on SPY' proposes one plan, runs it once per model and keeps each arm's model",
          "[integration][brain]") {
  const auto state = mlt::test::fresh_dir("models_compare");
  daemon_process d(state);
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  chat(c, "compare xgboost and logistic on SPY with synthetic data");
  auto p = r.until("proposal");
  CHECK(p.str("symbol") == "SPY");
  CHECK(p.str("text").find("once per model: xgboost logistic") != std::string::npos);
  chat(c, "yes");
  int reports = 0;
  std::string table;
  std::vector<std::string> models;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while ((reports < 2 || table.empty()) && std::chrono::steady_clock::now() < deadline) {
    auto f = r.next(std::chrono::seconds(120));
    if (f.type() == "report") {
      ++reports;
      models.push_back(f.str("model"));
      // The predictions in the report are the test part's, with the labels
      // the metrics were computed from.
      simdjson::dom::element test = f.doc["metrics"]["test"];
      simdjson::dom::array preds = f.doc["predictions"];
      std::uint64_t n = test["n"];
      double base_rate = test["base_rate"];
      double accuracy = test["accuracy"];
      double ups = 0, hits = 0;
      for (auto p : preds) {
        double pu = p["p_up"];
        std::int64_t y = p["outcome"];
        ups += static_cast<double>(y);
        hits += ((pu > 0.5) == (y == 1)) ? 1 : 0;
      }
      REQUIRE(preds.size() == n);
      CHECK(ups / n == Approx(base_rate).margin(1e-12));
      CHECK(hits / n == Approx(accuracy).margin(1e-12));
    }
    if (f.type() == "reply" && f.str("text").find("run once per model") != std::string::npos) table = f.str("text");
  }
  REQUIRE(reports == 2);
  std::sort(models.begin(), models.end());
  CHECK(models == std::vector<std::string>{"logistic", "xgboost"});
  CHECK(table.find("Against logistic") != std::string::npos);
}

TEST_CASE("'the last 3 years' counts back from the last day of the data the plan will use, not from today",
          "[integration][brain]") {
  const auto state = mlt::test::fresh_dir("lookback");
  const auto data = mlt::test::fresh_dir("lookback-data");
  {
    std::ofstream csv(data + "/ZZZ.csv");
    csv << "date,open,high,low,close,volume\n"
           "2019-06-26,10,11,9,10.5,1000\n"
           "2019-06-27,10.5,11,10,10.8,1200\n"
           "2019-06-28,10.8,11.2,10.6,11,900\n";
  }
  daemon_process d(state, {"--data-dir", data});
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  // The synthetic market ends on 2024-12-31.
  chat(c, "Run trial on SPY with synthetic data over the last 3 years");
  auto p1 = r.until("proposal");
  CHECK(p1.str("start") >= "2021-12-30");
  CHECK(p1.str("start") <= "2022-01-02");
  // A CSV ending in June 2019.
  chat(c, "Run trial on ZZZ over the last 2 years");
  auto p2 = r.until("proposal");
  CHECK(p2.str("start") >= "2017-06-26");
  CHECK(p2.str("start") <= "2017-06-30");
}

namespace {

struct claude_trial {
  std::string caveats;
  std::string test_last_date;
  std::string data_source;
  bool synthetic = true;
  std::string comparison;  ///< the "compare brains" table, when asked for
};

// One daemon run: "use claude", Claude proposes AAPL from the CSV file (real
// Yahoo prices 2015-02 .. 2017-02), "yes", and the finished report.
claude_trial run_claude_on_old_data(const std::string& name, std::vector<std::string> extra, bool compare = false) {
  fake_claude claude;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return claude(q); });
  const auto data = mlt::test::fresh_dir(name + "-data");
  std::filesystem::copy_file(std::string(MLT_TEST_DATA_DIR) + "/AAPL_daily_2015-02_2017-02_yahoo.csv",
                             data + "/AAPL.csv");
  ::setenv("ANTHROPIC_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("ANTHROPIC_API_KEY", fake_key, 1);
  extra.insert(extra.end(), {"--data-dir", data, "--decision-deadline-ms", "5000"});
  daemon_process d(mlt::test::fresh_dir(name), extra);
  ::unsetenv("ANTHROPIC_API_KEY");
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  use_claude(c, r);
  chat(c, "Run trial on AAPL");
  auto p = r.until("proposal");
  CHECK(p.str("symbol") == "AAPL");
  chat(c, "yes");
  auto report = r.until("report", std::chrono::seconds(300));
  claude_trial out;
  out.caveats = std::string(std::string_view(report.doc["sections"]["caveats"]));
  out.test_last_date = std::string(std::string_view(report.doc["data"]["test_last_date"]));
  out.data_source = report.str("data_source");
  out.synthetic = bool(report.doc["data"]["synthetic"]);
  if (!compare) return out;
  // A plan the rules parser made, then "compare brains" on it: Claude, rules, no intervention.
  chat(c, "use rules");
  r.until("reply");
  chat(c, "Run trial on AAPL");
  r.until("proposal");
  chat(c, "compare brains");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (out.comparison.empty() && std::chrono::steady_clock::now() < deadline) {
    auto f = r.next(std::chrono::seconds(120));
    if (f.type() == "reply" && f.str("text").find("Did the agent help?") != std::string::npos)
      out.comparison = f.str("text");
  }
  return out;
}

}  // namespace

TEST_CASE("a trial Claude decided on data from before its knowledge cutoff says so in the report; with a cutoff "
          "before the test period it does not",
          "[integration][brain][cutoff]") {
  // Default cutoff of claude-sonnet-4-5 (2025-07): the whole test period is older.
  const auto old = run_claude_on_old_data("cutoff-default", {}, true);
  REQUIRE(!old.synthetic);
  CHECK(old.data_source == "csv");
  REQUIRE(old.test_last_date.substr(0, 4) == "2017");
  INFO(old.caveats);
  CHECK(old.caveats.find("claude-sonnet-4-5 (which decided the proposal, ") != std::string::npos);
  CHECK(old.caveats.find("has a knowledge cutoff of 2025-07; this trial's test period ends " +
                         old.test_last_date.substr(0, 10) +
                         ", so the model may know what happened: treat its decisions as possibly contaminated") !=
        std::string::npos);
  CHECK(old.caveats.find("the report)") != std::string::npos);  // Claude wrote it
  // "compare brains" marks Claude's arm and names the arms no LLM decided in.
  INFO(old.comparison);
  REQUIRE(!old.comparison.empty());
  CHECK(old.comparison.find("claude (claude-sonnet-4-5) *") != std::string::npos);
  CHECK(old.comparison.find("* claude (claude-sonnet-4-5): claude-sonnet-4-5: knowledge cutoff 2025-07, after the "
                            "test period ends (" + old.test_last_date.substr(0, 10) + ")") != std::string::npos);
  CHECK(old.comparison.find("rules and no intervention are the uncontaminated reference") != std::string::npos);
  CHECK(old.comparison.find("The plan every arm shares") == std::string::npos);  // the rules parser made it

  // A cutoff configured before the test period (2016-2017): nothing to remember.
  const auto cfg_dir = mlt::test::fresh_dir("cutoff-config");
  const std::string cfg = cfg_dir + "/mltrainer.json";
  std::ofstream(cfg) << R"({"brain":{"anthropic":{"knowledge_cutoff":"2014-12"}}})";
  const auto clean = run_claude_on_old_data("cutoff-early", {"--config", cfg});
  INFO(clean.caveats);
  CHECK(clean.test_last_date == old.test_last_date);
  CHECK(clean.caveats.find("knowledge cutoff") == std::string::npos);
  CHECK(clean.caveats.find("contaminated") == std::string::npos);
  CHECK(clean.caveats.find("Brain: anthropic") != std::string::npos);  // Claude did decide there
}
