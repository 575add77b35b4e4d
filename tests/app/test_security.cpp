// Security of the real daemon: secrets never leave it, strangers are refused,
// and one abusive connection harms nobody else.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "actors/daemon.hpp"
#include "messages/wire.hpp"
#include "net/http_client.hpp"
#include "tests/net/loopback_http_server.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/fault_checks.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::daemon_process;
using mlt::test::frame_reader;
using mlt::test::scoped_env;
using mlt::test::snapshot;
using namespace std::chrono_literals;

namespace {

const std::string polygon_key = "pk-fake-POLYGON-secret-7f3a9c";
const std::string anthropic_key = "sk-ant-fake-ANTHROPIC-secret-51be";
const std::string openai_key = "sk-fake-OPENAI-secret-0c4d";
const std::string token = "tok-fake-BEARER-secret-98e2aa1f";
const std::string allowed_origin = "http://allowed.example";

std::string write_config(const std::string& dir, int messages_per_minute, const std::string& more_limits = "") {
  const std::string path = dir + "/mltrainer.json";
  std::ofstream out(path);
  out << R"({
  "server": {"tokens_env": "MLTRAINER_TOKENS", "allowed_origins": [")" << allowed_origin << R"("]},
  "trial_defaults": {"model": "logistic", "data_source": "synthetic"},
  "limits": {"max_frame_bytes": 65536, "max_message_bytes": 4096, "messages_per_minute": )"
      << messages_per_minute << more_limits << R"(},
  "brain": {"decision_deadline_ms": 3000}
})";
  return path;
}

std::map<std::string, std::string> bearer(const std::string& t = token) { return {{"Authorization", "Bearer " + t}}; }

mlt::net::http_response fetch(std::uint16_t port, const std::string& path, const std::string& with_token = token,
                              const std::string& method = "GET") {
  mlt::net::http_client http;
  mlt::net::http_request req;
  req.method = method;
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  req.timeout = 10s;
  if (!with_token.empty()) req.headers.push_back({"Authorization", "Bearer " + with_token});
  return http.send(req);
}

// The message of the error connect() throws, or "" when it connected.
std::string ws_refusal(std::uint16_t port, const std::string& path, const std::map<std::string, std::string>& headers) {
  mlt::net::ws_client c;
  try {
    c.connect("127.0.0.1", port, path, headers);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

void chat(mlt::net::ws_client& c, const std::string& text) { c.send(R"({"type":"chat","text":")" + text + R"("})"); }

// Fake Polygon (always 429 with Retry-After: 0, so retries are quick),
// Anthropic and OpenAI (both reject the key).
mlt::test::loopback_reply fake_services(const mlt::test::loopback_request& req) {
  mlt::test::loopback_reply r;
  r.headers.push_back({"Content-Type", "application/json"});
  if (req.target.rfind("/v2/aggs", 0) == 0) {
    r.status = 429;
    r.headers.push_back({"Retry-After", "0"});
    r.body = R"({"status":"ERROR","error":"too many requests"})";
  } else if (req.target.rfind("/v1/messages", 0) == 0) {
    r.status = 401;
    r.body = R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})";
  } else {
    r.status = 401;
    r.body = R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})";
  }
  return r;
}

}  // namespace

TEST_CASE("after a trial, failed data and LLM calls and bad frames, no secret is in the logs, the database, any "
          "frame or any HTTP answer",
          "[integration][security]") {
  mlt::test::loopback_http_server services(fake_services);
  const auto dir = mlt::test::fresh_dir("secrets");
  const auto state = dir + "/state";
  scoped_env env;
  env.set("POLYGON_API_KEY", polygon_key);
  env.set("ANTHROPIC_API_KEY", anthropic_key);
  env.set("OPENAI_API_KEY", openai_key);
  env.set("MLTRAINER_TOKENS", token);
  env.set("POLYGON_BASE_URL", services.base_url());
  env.set("ANTHROPIC_BASE_URL", services.base_url());
  env.set("OPENAI_BASE_URL", services.base_url());
  std::vector<std::string> seen;  // every frame and HTTP body the outside saw
  std::int64_t good_trial = 0;
  std::vector<std::pair<std::string, std::string>> live_files;  // while the daemon runs: with the WAL
  {
    daemon_process d(state, {"--config", write_config(dir, 600), "--log-level", "debug"});
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port(), "/ws", {{"Authorization", "Bearer " + token}, {"Origin", allowed_origin}});
    frame_reader r(c);
    REQUIRE(r.next().type() == "hello");

    // A trial that completes.
    chat(c, "Run trial on TSLA on synthetic data");
    auto p = r.until("proposal");
    c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(p.num("proposal_id"))) + "}");
    good_trial = static_cast<std::int64_t>(r.until("reply").num("trial_id"));
    r.until("report", 300s);

    // A trial whose Polygon calls are refused until the retries run out.
    chat(c, "Run trial on AAPL from polygon");
    auto p2 = r.until("proposal");
    c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(p2.num("proposal_id"))) +
           "}");
    auto failed = r.until("trial_failed", 120s);
    CHECK(failed.str("message").find("429") != std::string::npos);

    // Both LLM brains reject their keys; the rules brain carries on.
    chat(c, "use claude");
    r.until("reply");
    chat(c, "Run trial on MSFT");
    r.until("proposal", 60s);
    chat(c, "use openai");
    r.until("reply");
    chat(c, "Run trial on NVDA");
    r.until("proposal", 60s);
    chat(c, "use rules");
    r.until("reply");

    // Bad frames.
    c.send("{not json");
    CHECK(r.until("error").str("code") == "bad_json");
    c.send(R"({"type":"approve","proposal_id":"abc"})");
    CHECK(r.until("error").str("code") == "bad_field");
    c.send(R"({"type":"chat","text":")" + std::string(5000, 'x') + R"("})");
    CHECK(r.until("error").str("code") == "too_large");
    c.send(R"({"type":"get_trial","trial_id":-4})");
    CHECK(r.until("error").str("code") == "bad_field");
    c.send(R"({"type":"ping"})");
    r.until("pong");

    // A second client with the token in the URL, as browsers send it.
    mlt::net::ws_client c2;
    c2.connect("127.0.0.1", d.port(), "/ws?token=" + token, {{"Origin", allowed_origin}});
    frame_reader r2(c2);
    REQUIRE(r2.next().type() == "hello");
    c2.close();
    CHECK_FALSE(ws_refusal(d.port(), "/ws?token=wrong-" + token.substr(4), {}).empty());

    for (const auto& f : r.seen) seen.push_back(f.raw);
    const std::string id = std::to_string(good_trial);
    const std::vector<std::string> paths = {"/api/trials",      "/api/trials/" + id,
                                            "/api/trials/" + std::to_string(good_trial + 1),
                                            "/metrics",         "/health", "/api/trials?limit=x"};
    for (const auto& path : paths) {
      auto res = fetch(d.port(), path);
      INFO(path);
      CHECK(res.status < 500);
      seen.push_back(res.body);
      for (const auto& [k, v] : res.headers) seen.push_back(k + ": " + v);
    }
    seen.push_back(fetch(d.port(), "/metrics", "wrong-token-0000000000").body);

    const auto metrics = fetch(d.port(), "/metrics").body;
    INFO(metrics);
    CHECK(metrics.find("mltrainer_data_source_retries_total{source=\"polygon\"} ") != std::string::npos);
    CHECK(metrics.find("mltrainer_data_source_calls_total{source=\"synthetic\"} 1\n") != std::string::npos);
    CHECK(metrics.find("mltrainer_errors_total{code=\"too_large\"} 1\n") != std::string::npos);
    CHECK(metrics.find("mltrainer_trials{state=\"completed\"} 1\n") != std::string::npos);
    CHECK(metrics.find("mltrainer_decisions_total{action=") != std::string::npos);
    live_files = snapshot(state);
    CHECK(d.stop() == 0);
  }

  // The secrets were really handed out: otherwise the greps below prove nothing.
  bool polygon_used = false, anthropic_used = false, openai_used = false;
  for (const auto& q : services.requests()) {
    if (q.target.find("apiKey=" + polygon_key) != std::string::npos) polygon_used = true;
    for (const auto& [k, v] : q.headers) {
      if (v == anthropic_key) anthropic_used = true;
      if (v == "Bearer " + openai_key) openai_used = true;
    }
  }
  CHECK(polygon_used);
  CHECK(anthropic_used);
  CHECK(openai_used);

  // Every file the daemon wrote, while running and after: logs, the database
  // and its WAL, caches, models.
  auto files = snapshot(state);
  files.insert(files.end(), live_files.begin(), live_files.end());
  bool has_log = false, has_db = false, has_wal = false;
  for (const auto& [path, bytes] : files) {
    const auto name = std::filesystem::path(path).filename().string();
    if (name.find(".log") != std::string::npos && !bytes.empty()) has_log = true;
    if (name == "mltrainer.db") has_db = true;
    if (name == "mltrainer.db-wal") has_wal = true;
  }
  CHECK(has_log);
  CHECK(has_db);
  CHECK(has_wal);
  // Positive control: what the trial stored is readable in these bytes.
  bool stored_symbol = false;
  for (const auto& [path, bytes] : files) stored_symbol |= bytes.find("TSLA") != std::string::npos;
  CHECK(stored_symbol);
  for (const auto& secret : {polygon_key, anthropic_key, openai_key, token}) {
    INFO("secret " << secret);
    for (const auto& [path, bytes] : files) {
      INFO("file " << path);
      CHECK(bytes.find(secret) == std::string::npos);
    }
    for (const auto& text : seen) {
      INFO("seen " << text.substr(0, 300));
      CHECK(text.find(secret) == std::string::npos);
    }
  }
}

TEST_CASE("without the token, with a wrong token or from a foreign Origin, WebSocket and HTTP are refused",
          "[integration][security]") {
  const auto dir = mlt::test::fresh_dir("refusals");
  scoped_env env;
  env.set("MLTRAINER_TOKENS", token);
  daemon_process d(dir + "/state", {"--config", write_config(dir, 600)});

  CHECK_THAT(ws_refusal(d.port(), "/ws", {}), Catch::Matchers::Contains("401"));
  CHECK_THAT(ws_refusal(d.port(), "/ws", bearer("tok-wrong-BEARER-secret-0000")), Catch::Matchers::Contains("401"));
  CHECK_THAT(ws_refusal(d.port(), "/ws?token=nope", {}), Catch::Matchers::Contains("401"));
  auto foreign = bearer();
  foreign["Origin"] = "http://evil.example";
  CHECK_THAT(ws_refusal(d.port(), "/ws", foreign), Catch::Matchers::Contains("403"));
  auto friendly = bearer();
  friendly["Origin"] = allowed_origin;
  CHECK(ws_refusal(d.port(), "/ws", friendly).empty());
  CHECK(ws_refusal(d.port(), "/ws", bearer()).empty());  // no Origin: not a browser

  CHECK(fetch(d.port(), "/health", "").status == 200);
  for (const char* path : {"/metrics", "/api/trials", "/api/trials/1"}) {
    INFO(path);
    CHECK(fetch(d.port(), path, "").status == 401);
    CHECK(fetch(d.port(), path, "tok-wrong-BEARER-secret-0000").status == 401);
  }
  CHECK(fetch(d.port(), "/metrics").status == 200);
  CHECK(fetch(d.port(), "/api/trials").status == 200);
  CHECK(fetch(d.port(), "/api/trials/1").status == 404);
  // Refusals are counted: 3 + 6 without a valid token, 1 from a foreign Origin.
  const auto metrics = fetch(d.port(), "/metrics").body;
  INFO(metrics);
  CHECK(metrics.find("mltrainer_errors_total{code=\"unauthorized\"} 9\n") != std::string::npos);
  CHECK(metrics.find("mltrainer_errors_total{code=\"forbidden_origin\"} 1\n") != std::string::npos);
}

TEST_CASE("an oversized frame closes only its own connection; a long message and a flood are refused with "
          "errors while the session lives",
          "[integration][security]") {
  const auto dir = mlt::test::fresh_dir("limits");
  scoped_env env;
  env.set("MLTRAINER_TOKENS", token);
  daemon_process d(dir + "/state", {"--config", write_config(dir, 20)});

  mlt::net::ws_client good;
  good.connect("127.0.0.1", d.port(), "/ws", bearer());
  frame_reader rg(good);
  REQUIRE(rg.next().type() == "hello");

  mlt::net::ws_client bad;
  bad.connect("127.0.0.1", d.port(), "/ws", bearer());
  frame_reader rb(bad);
  REQUIRE(rb.next().type() == "hello");
  bool closed = false;
  try {
    // Over max_frame_bytes: the server may close while the client is still
    // writing it (a broken pipe here), or right after.
    bad.send(R"({"type":"chat","text":")" + std::string(100000, 'x') + R"("})");
    for (int i = 0; i < 20 && !closed; ++i) bad.read(500ms);
  } catch (const std::runtime_error&) {
    closed = true;
  }
  CHECK(closed);

  // The other session still works.
  good.send(R"({"type":"ping"})");
  CHECK(rg.until("pong").type() == "pong");
  chat(good, "Run trial on TSLA");
  CHECK(rg.until("proposal").str("symbol") == "TSLA");

  // Under the frame limit but over the message limit: refused, not fatal.
  chat(good, std::string(5000, 'y'));
  CHECK(rg.until("error").str("code") == "too_large");

  // A flood: beyond the burst of 20 a minute, frames are dropped with an error.
  rg.seen.clear();
  for (int i = 0; i < 30; ++i) good.send(R"({"type":"ping"})");
  int pongs = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto f = rg.next();
    if (f.type() == "pong") ++pongs;
    if (f.type() == "error" && f.str("code") == "rate_limited") ++limited;
  }
  CHECK(limited >= 10);
  CHECK(pongs + limited == 30);
  CHECK(good.is_open());
  CHECK(fetch(d.port(), "/metrics").body.find("mltrainer_errors_total{code=\"rate_limited\"} ") != std::string::npos);
}

TEST_CASE("the daemon refuses to listen beyond loopback without a token", "[security]") {
  mlt::config::daemon_options o;
  o.bind = "0.0.0.0";
  o.port = 0;
  o.state_dir = mlt::test::fresh_dir("no-token-bind");
  mlt::actors::daemon d(o);
  try {
    d.start();
    FAIL("the daemon started on 0.0.0.0 without a token");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("without a bearer token"));
  }
}

TEST_CASE("a full trial queue answers busy with the position instead of stalling", "[integration][security]") {
  const auto dir = mlt::test::fresh_dir("queue");
  daemon_process d(dir + "/state",
                   {"--config", write_config(dir, 600, R"(, "max_concurrent_trials": 1, "max_queue": 1)")});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  // The LSTM keeps the only trainer busy far longer than the next two approvals take.
  const std::vector<std::string> asks = {"Analyze AAPL with LSTM model", "Run trial on TSLA", "Run trial on MSFT"};
  std::vector<std::int64_t> ids;
  for (const auto& ask : asks) {
    chat(c, ask);
    auto p = r.until("proposal");
    c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(p.num("proposal_id"))) +
           "}");
    ids.push_back(static_cast<std::int64_t>(r.until("reply").num("trial_id")));
  }
  auto refused = r.until("trial_failed", 60s);
  CHECK(static_cast<std::int64_t>(refused.num("trial_id")) == ids[2]);
  CHECK(refused.str("code") == "busy");
  CHECK_THAT(refused.str("message"), Catch::Matchers::Contains("busy, position 2"));
  bool queued_told = false;
  for (const auto& f : r.seen)
    if (f.type() == "event" && f.str("text").find("busy, position 1") != std::string::npos) queued_told = true;
  CHECK(queued_told);
  // Cancel works while queued and while running.
  c.send(R"({"type":"cancel","trial_id":)" + std::to_string(ids[1]) + "}");
  CHECK(r.until("trial_failed").str("status") == "cancelled");
  c.send(R"({"type":"cancel","trial_id":)" + std::to_string(ids[0]) + "}");
  CHECK(r.until("trial_failed").str("status") == "cancelled");
}

TEST_CASE("every field of a client frame is validated and a bad one is named", "[security]") {
  struct row {
    const char* frame;
    const char* code;  // "" = accepted
  };
  const row rows[] = {
      {R"({"type":"list_trials","limit":20})", ""},
      {R"({"type":"list_trials"})", ""},
      {R"({"type":"list_trials","limit":"abc"})", "bad_field"},
      {R"({"type":"list_trials","limit":5.5})", "bad_field"},
      {R"({"type":"list_trials","limit":0})", "bad_field"},
      {R"({"type":"list_trials","limit":1001})", "bad_field"},
      {R"({"type":"approve","proposal_id":3.0})", ""},
      {R"({"type":"approve","proposal_id":"17"})", ""},
      {R"({"type":"approve","proposal_id":1e300})", "bad_field"},
      {R"({"type":"approve","proposal_id":-1})", "bad_field"},
      {R"({"type":"approve","proposal_id":"12x"})", "bad_field"},
      {R"({"type":"approve"})", "missing_field"},
      {R"({"type":"cancel","trial_id":true})", "bad_field"},
      {R"({"type":"get_trial","trial_id":null})", "bad_field"},
      {R"({"type":"chat","text":42})", "bad_field"},
      {R"({"type":"chat","text":"   "})", "bad_field"},
      {R"({"type":7})", "missing_field"},
      {R"([1,2])", "bad_frame"},
      {"", "bad_json"},
      {R"({"type":"chat","text":"x")", "bad_json"},
  };
  for (const auto& r : rows) {
    INFO(r.frame);
    const auto d = mlt::msg::decode_client_frame(r.frame);
    CHECK(d.ok == (std::string(r.code).empty()));
    CHECK(d.error_code == r.code);
    if (!d.ok) CHECK_FALSE(d.error_message.empty());
  }
  CHECK(mlt::msg::decode_client_frame(R"({"type":"approve","proposal_id":3.0})").frame.proposal_id == 3);
  CHECK(mlt::msg::decode_client_frame(R"({"type":"list_trials","limit":20})").frame.limit == 20);
}
