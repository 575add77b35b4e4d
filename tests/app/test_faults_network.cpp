// The outside services misbehave, against the real daemon and its real
// clients on loopback servers: Polygon answers 500s, hangs, or cuts a page
// short mid-download; Claude hangs past its deadline; an OpenAI-compatible
// server sends garbage. Each gives its documented error or fallback within
// its bound, the trial goes on where it can, and no key leaks.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <map>
#include <mutex>
#include <random>

#include "ml/market/calendar.hpp"
#include "tests/net/loopback_http_server.hpp"
#include "tests/support/fault_checks.hpp"

using namespace std::chrono_literals;
using mlt::test::chat;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

std::int64_t id_of(const mlt::test::frame& f, const char* key) { return static_cast<std::int64_t>(f.num(key)); }

// 1,000 business days of a random walk in Polygon's wire format, oldest first
// (t = midnight New York), split into two pages.
std::vector<std::string> polygon_bars() {
  std::vector<std::string> out;
  std::mt19937 rng(7);
  std::normal_distribution<double> ret(0.0003, 0.015);
  double close = 100;
  for (std::int64_t day = mlt::ml::days_from_civil(2021, 1, 4); out.size() < 1000; ++day) {
    const auto weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday (4)
    if (weekday == 0 || weekday == 6) continue;
    const double open = close;
    close = open * std::exp(ret(rng));
    out.push_back("{\"v\":" + std::to_string(1000000 + out.size()) + ",\"o\":" + std::to_string(open) +
                  ",\"c\":" + std::to_string(close) + ",\"h\":" + std::to_string(std::max(open, close) * 1.005) +
                  ",\"l\":" + std::to_string(std::min(open, close) * 0.995) +
                  ",\"t\":" + std::to_string((day * 86400 + 5 * 3600) * 1000) + "}");
  }
  return out;
}

std::string polygon_page(const std::vector<std::string>& bars, std::size_t first, std::size_t count,
                         const std::string& next_url) {
  std::string results;
  for (auto i = first; i < first + count; ++i) results += (i > first ? "," : "") + bars[i];
  std::string out = R"({"ticker":"X","adjusted":true,"status":"OK","resultsCount":)" + std::to_string(count) +
                    R"(,"results":[)" + results + "]";
  if (!next_url.empty()) out += R"(,"next_url":")" + next_url + "\"";
  return out + "}";
}

// Polygon on loopback, one fault per ticker: AAPL answers 500 twice, MSFT
// always; NVDA's first request hangs; AMZN's second page is cut short once.
struct fake_polygon {
  std::mutex m;
  std::string base;  // set once the server has its port
  std::map<std::string, int> requests;
  std::vector<std::string> bars = polygon_bars();

  loopback_reply operator()(const loopback_request& req) {
    const auto ticker = req.target.substr(16, req.target.find('/', 16) - 16);  // /v2/aggs/ticker/T/...
    const bool second_page = req.target.find("cursor=2") != std::string::npos;
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(m);
      n = ++requests[ticker + (second_page ? "#2" : "")];
    }
    loopback_reply r;
    r.headers.push_back({"Content-Type", "application/json"});
    if ((ticker == "AAPL" && n <= 2) || ticker == "MSFT") {
      r.status = 500;
      r.body = R"({"status":"ERROR","error":"internal error"})";
      return r;
    }
    if (ticker == "NVDA" && !second_page && n == 1) r.delay = 120s;  // past the client's 30 s cut
    const std::string next = base + "/v2/aggs/ticker/" + ticker + "/range/1/day/2021-01-04/2024-12-31?cursor=2";
    r.body = second_page ? polygon_page(bars, 600, 400, "") : polygon_page(bars, 0, 600, next);
    if (ticker == "AMZN" && second_page && n == 1) r.truncate_at = r.body.size() / 2;
    return r;
  }
};

// Claude and an OpenAI-compatible server on loopback, both misbehaving as
// `hang` says: checkpoint decisions and reports (the requests that force a
// tool) hang past any deadline, or every reply is garbage. In hang mode
// Claude reads chat lines properly and the OpenAI server answers them with
// garbage, so a chat line never waits for the 30 s chat deadline.
struct fake_llms {
  std::atomic<bool> hang{true};
  std::atomic<int> hung{0}, garbage{0};

  loopback_reply operator()(const loopback_request& req) {
    loopback_reply r;
    r.headers.push_back({"Content-Type", "application/json"});
    const bool claude = req.target == "/v1/messages";
    const bool forced = req.body.find(R"("tool_choice":{"type":"tool")") != std::string::npos ||
                        req.body.find(R"("tool_choice":{"type":"function")") != std::string::npos;
    if (hang && forced) {
      ++hung;
      r.delay = 60s;
      r.body = "{}";
    } else if (hang && claude) {
      r.body = R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[{"type":)"
               R"("tool_use","id":"toolu_1","name":"propose_trial","input":{"symbol":"TSLA","model":"logistic",)"
               R"("data_source":"synthetic"}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}})";
    } else {
      ++garbage;
      r.body = "{\"id\":\"x-1\",\"content\":[{\"text\":\"\x01\xff\xfe garbage \x7f" + std::string(200, '\xc3');
    }
    return r;
  }
};

// Every decision line answers the question line just before it within `bound`
// (from the lines' own times); returns how many decisions were checked.
int decisions_within(const mlt::test::acknowledged& ack, std::int64_t trial, std::chrono::milliseconds bound) {
  int checked = 0;
  std::int64_t asked_at = -1;
  for (const auto& raw : ack.frames) {
    if (raw.find("\"trial_id\":" + std::to_string(trial) + ",") == std::string::npos) continue;
    const auto time_at = raw.find("\"time_ms\":");
    if (time_at == std::string::npos) continue;
    const auto t = std::stoll(raw.substr(time_at + 10));
    if (raw.find("\"kind\":\"question\"") != std::string::npos) asked_at = t;
    if (raw.find("\"kind\":\"decision\"") != std::string::npos && asked_at >= 0) {
      INFO(raw.substr(0, 400));
      CHECK(t - asked_at <= bound.count());
      ++checked;
      asked_at = -1;
    }
  }
  return checked;
}

// Switches the conversation's brain (`use`), runs `request` to its report and
// checks that the rules brain stood in: every checkpoint answered within the
// engine's `deadline` (plus slack for a loaded machine), a decision line
// holding `note`, and the report written by the rules brain.
void rules_stand_in(mlt::test::fault_session& s, const std::string& use, const std::string& request,
                    const std::string& note, std::chrono::milliseconds deadline) {
  INFO(use);
  auto& [c, r] = s.conn;
  chat(c, use);
  s.ack.until(r, "reply");
  const auto trial = mlt::test::approve_trial(c, r, s.ack, request);
  const auto report = s.ack.until(r, "report", 300s);
  CHECK(decisions_within(s.ack, trial, deadline + 1500ms) >= 3);
  bool noted = false;
  for (const auto& [key, text] : s.ack.lines)
    noted |= key.first == trial && text.find(note) != std::string::npos && text.rfind("ACTION ", 0) == 0;
  CHECK(noted);
  CHECK(report.raw.find("the rules brain wrote this report from the numbers") != std::string::npos);
}

}  // namespace

TEST_CASE("Polygon answering 500s, hanging or cutting a page short is retried within its bounds; the trial goes on, "
          "and a server that keeps failing fails it clearly",
          "[integration][faults]") {
  fake_polygon polygon;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return polygon(q); });
  polygon.base = server.base_url();
  mlt::test::fault_run run("faults-polygon");
  run.env.set("POLYGON_BASE_URL", server.base_url());
  // A trainer for each trial, so only the data sources decide who waits.
  mlt::test::fault_session s(run.state, {"--config", mlt::test::fault_config(run.dir), "--log-level", "debug",
                                         "--max-trials", "5"});
  auto& [c, r] = s.conn;
  auto& ack = s.ack;

  std::map<std::int64_t, std::string> ticker_of;
  const auto started = std::chrono::steady_clock::now();
  for (const std::string ticker : {"AAPL", "MSFT", "NVDA", "AMZN", "SPY"}) {
    ticker_of[mlt::test::approve_trial(
        c, r, ack, "Run trial on " + ticker + (ticker == "SPY" ? " on synthetic data" : " from polygon from 2021 to 2024"))] =
        ticker;
  }
  std::map<std::string, mlt::test::frame> outcome;  // ticker -> report or trial_failed
  std::map<std::string, double> seconds;            // ticker -> from the approvals to the outcome
  while (outcome.size() < ticker_of.size()) {
    auto f = r.next(240s);
    ack.note(f);
    if (f.type() != "report" && f.type() != "trial_failed") continue;
    const auto ticker = ticker_of[id_of(f, "trial_id")];
    outcome.emplace(ticker, f);
    seconds[ticker] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }

  for (const auto& [ticker, f] : outcome) UNSCOPED_INFO(ticker << ": " << f.raw.substr(0, 500));
  // 500 twice: retried with backoff, the trial completes on Polygon's bars.
  CHECK(outcome.at("AAPL").type() == "report");
  CHECK(outcome.at("AAPL").raw.find("\"bars\":1000") != std::string::npos);
  // 500 every time: 1 + 5 retries with backoff (0.5 s doubling), then a clear failure.
  CHECK(outcome.at("MSFT").type() == "trial_failed");
  CHECK_THAT(outcome.at("MSFT").str("message"),
             Catch::Matchers::Contains("Polygon MSFT 1/day 2021-01-01 .. 2024-12-31: server error HTTP 500 after 6 attempts"));
  CHECK(outcome.at("MSFT").str("message").rfind("Polygon MSFT", 0) == 0);  // the reason itself, not CAF's wrapping
  CHECK(seconds.at("MSFT") < 90);
  // A hang is cut after the client's 30 s timeout and retried.
  CHECK(outcome.at("NVDA").type() == "report");
  CHECK(seconds.at("NVDA") >= 29);
  CHECK(seconds.at("NVDA") < 60);
  // Loads run side by side: a hung Polygon does not hold up other trials' data.
  CHECK(outcome.at("SPY").type() == "report");
  CHECK(seconds.at("SPY") < seconds.at("NVDA"));
  CHECK(seconds.at("SPY") < 29);
  // A page cut short mid-download is fetched again; no bar is lost or doubled.
  CHECK(outcome.at("AMZN").type() == "report");
  CHECK(outcome.at("AMZN").raw.find("\"bars\":1000") != std::string::npos);
  {
    std::lock_guard<std::mutex> lock(polygon.m);
    CHECK(polygon.requests["AAPL"] == 3);
    CHECK(polygon.requests["MSFT"] == 6);
    CHECK(polygon.requests["NVDA"] == 2);
    CHECK(polygon.requests["AMZN#2"] == 2);
  }

  c.send(R"({"type":"ping"})");
  ack.until(r, "pong");
  CHECK(s.d.stop(SIGTERM) == 0);
  server.stop();
  bool key_sent = false;
  for (const auto& q : server.requests()) key_sent |= q.target.find("apiKey=" + run.secrets.polygon) != std::string::npos;
  CHECK(key_sent);  // else the search below proves nothing
  for (const auto& p : run.problems(ack)) FAIL_CHECK(p);
}

TEST_CASE("Claude or an OpenAI-compatible server hanging past the deadline or sending garbage is replaced by the "
          "rules brain within the deadline, and the trial completes",
          "[integration][faults]") {
  fake_llms llms;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return llms(q); });
  mlt::test::fault_run run("faults-llm");
  run.env.set("ANTHROPIC_BASE_URL", server.base_url());
  run.env.set("OPENAI_BASE_URL", server.base_url());
  const auto deadline = 1000ms;
  mlt::test::fault_session s(run.state, {"--config", mlt::test::fault_config(run.dir), "--log-level", "debug",
                                         "--decision-deadline-ms", std::to_string(deadline.count())});
  for (const bool hang : {true, false}) {
    llms.hang = hang;
    const std::string note = hang ? "did not answer in time" : "sent a reply that is not the API's format";
    rules_stand_in(s, "use claude", "Run trial on TSLA on synthetic data", "[claude " + note, deadline);
    rules_stand_in(s, "use openai", "Run trial on AAPL on synthetic data", "[the LLM (gpt-4o-mini) " + note, deadline);
  }
  CHECK(llms.hung > 0);
  CHECK(llms.garbage > 0);

  CHECK(s.d.stop(SIGTERM) == 0);
  server.stop();
  bool anthropic_sent = false, openai_sent = false;
  for (const auto& q : server.requests())
    for (const auto& [k, v] : q.headers) {
      anthropic_sent |= v == run.secrets.anthropic;
      openai_sent |= v == "Bearer " + run.secrets.openai;
    }
  CHECK(anthropic_sent);
  CHECK(openai_sent);
  for (const auto& p : run.problems(s.ack)) FAIL_CHECK(p);
}
