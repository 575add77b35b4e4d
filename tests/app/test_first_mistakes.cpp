// The mistakes people make in their first hour, each through the real
// programs: the message names the problem and says what to do next.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/net/loopback_http_server.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/run_capture.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame_reader;

namespace {

struct mistake {
  const char* name;
  std::string command;  ///< shell command; {PORT} is a running daemon's port
  int status;           ///< expected exit status
  std::vector<std::string> says;  ///< the output contains each
};

std::string write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
  return path;
}


}  // namespace

TEST_CASE("the first mistakes at the command line say what to do next", "[mistakes][integration]") {
  const std::string dir = mlt::test::fresh_dir("mistakes-cli");
  daemon_process d(dir + "/state");
  const std::string port = std::to_string(d.port());
  const std::string client = mlt::test::binary("app/mltrainer");
  const std::string daemon = mlt::test::binary("app/mltrainerd");
  // A port nothing listens on: the daemon's, once stopped.
  daemon_process gone(dir + "/gone");
  const std::string dead_port = std::to_string(gone.port());
  gone.stop();
  const std::string not_a_dir = write_file(dir + "/plain-file", "x");
  const std::string bad_key = write_file(dir + "/bad.json", R"({"server": {"prot": 9000}})");
  // A state directory written by a newer mltrainerd.
  std::filesystem::create_directories(dir + "/newer");
  REQUIRE(mlt::test::run_capture("sqlite3 " + dir + "/newer/mltrainer.db 'PRAGMA user_version = 99;'").status == 0);

  const std::vector<mistake> table = {
      {"daemon not running", client + " ask 'Run trial on TSLA' --port " + dead_port, 1,
       {"cannot connect", "Is mltrainerd running on port " + dead_port, "--port N"}},
      {"wrong address (not the WebSocket path)", client + " ask hi --url ws://127.0.0.1:" + port + "/nope", 1,
       {"HTTP 404", "Is port " + port + " an mltrainerd?", "--url ws://HOST:PORT/ws"}},
      {"port in use", daemon + " --port " + port + " --state-dir " + dir + "/second", 1,
       {"Port " + port + " is taken", "--port N"}},
      {"state directory not writable", daemon + " --port 0 --state-dir " + not_a_dir + "/state", 1,
       {"cannot create state directory", "--state-dir DIR"}},
      {"state directory from a newer build", daemon + " --port 0 --state-dir " + dir + "/newer", 1,
       {"cannot open the store", "newer than this build", "another --state-dir DIR"}},
      {"bad config key", daemon + " --check-config " + bad_key, 1, {"unknown key", "did you mean \"port\"?"}},
      {"bad flag", daemon + " --prot 9000", 2, {"unknown option '--prot'", "--port N"}},
  };
  for (const auto& m : table) {
    const auto r = mlt::test::run_capture(m.command);
    INFO(m.name << "\n$ " << m.command << "\n" << r.output);
    CHECK(r.status == m.status);
    for (const auto& s : m.says) CHECK_THAT(r.output, Catch::Contains(s));
  }
}

TEST_CASE("the first mistakes in the chat say what to do next", "[mistakes][integration]") {
  const std::string dir = mlt::test::fresh_dir("mistakes-chat");
  // A CSV exported with the wrong columns next to nothing else.
  write_file(dir + "/data/BADC.csv", "day,price\n2020-01-02,10\n2020-01-03,11\n");
  daemon_process d(dir + "/state", {"--data-dir", dir + "/data"});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");

  SECTION("symbol not found") {
    chat(c, "Run trial on QQQZZ");
    const auto e = r.until("error");
    CHECK(e.str("code") == "unknown_symbol");
    CHECK_THAT(e.str("message"), Catch::Contains("QQQZZ.csv") && Catch::Contains("what data do you have?"));
  }
  SECTION("what data do you have? lists every source") {
    chat(c, "What data do you have?");
    const auto reply = r.until("reply");
    CHECK_THAT(reply.str("text"), Catch::Contains("BADC: unusable: ") && Catch::Contains("Synthetic market: any symbol") &&
                                      Catch::Contains("Polygon.io: not available"));
  }
  SECTION("a CSV with the wrong columns") {
    chat(c, "Run trial on BADC");
    r.until("proposal");
    chat(c, "yes");
    const auto f = r.until("trial_failed");
    CHECK(f.str("code") == "data_failed");
    CHECK_THAT(f.str("message"), Catch::Contains("BADC.csv") && Catch::Contains("date,open,high,low,close,volume"));
  }
  SECTION("Polygon without a key") {
    chat(c, "Run trial on TSLA using polygon");
    const auto p = r.until("proposal");
    CHECK_THAT(p.str("text"), Catch::Contains("no API key is set"));
    chat(c, "yes");
    const auto f = r.until("trial_failed");
    CHECK_THAT(f.str("message"), Catch::Contains("set POLYGON_API_KEY") && Catch::Contains("on synthetic data"));
  }
  SECTION("approving a stale proposal") {
    chat(c, "Run trial on TSLA");
    const auto p1 = r.until("proposal");
    chat(c, "use logistic");
    r.until("proposal");
    mlt::test::approve(c, p1);
    const auto e = r.until("error");
    CHECK(e.str("code") == "stale_proposal");
    CHECK_THAT(e.str("message"), Catch::Contains("approve that one"));
  }
}

TEST_CASE("a Polygon key that Polygon refuses says what to do next", "[mistakes][integration]") {
  // Polygon's own answers: 401 for a key it does not know, 403 for a plan
  // that does not cover the request. The ticker in the path picks the answer.
  struct refusal {
    const char* symbol;
    int status;
    std::string body;
    std::string said;  ///< how the daemon passes Polygon's answer on
  };
  const std::vector<refusal> table = {
      {"TSLA", 401, R"({"status":"ERROR","request_id":"5f1e2d3c4b5a69788796a5b4c3d2e1f0","error":"Unknown API Key"})",
       "the API key was rejected (HTTP 401: ERROR: Unknown API Key)"},
      {"NVDA", 403,
       R"({"status":"NOT_AUTHORIZED","request_id":"1e2a4e1c68224da666232d16699b7fd7","message":"Your plan doesn't )"
       R"(include this data timeframe. Please upgrade your plan at https://polygon.io/pricing"})",
       "the request was refused (HTTP 403: NOT_AUTHORIZED: Your plan doesn't include this data timeframe."},
  };
  mlt::test::loopback_http_server polygon([&](const mlt::test::loopback_request& q) {
    mlt::test::loopback_reply reply;
    reply.headers.push_back({"Content-Type", "application/json"});
    for (const auto& t : table)
      if (q.target.find("/ticker/" + std::string(t.symbol) + "/") != std::string::npos) {
        reply.status = t.status;
        reply.body = t.body;
      }
    return reply;
  });
  const std::string key = "pk_refused_0123456789abcdef";
  const std::string dir = mlt::test::fresh_dir("mistakes-polygon");
  ::setenv("POLYGON_API_KEY", key.c_str(), 1);
  ::setenv("POLYGON_BASE_URL", polygon.base_url().c_str(), 1);
  daemon_process d(dir + "/state");
  ::unsetenv("POLYGON_API_KEY");
  ::unsetenv("POLYGON_BASE_URL");
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  REQUIRE(r.next().type() == "hello");
  for (const auto& t : table) {
    INFO("Polygon answers HTTP " << t.status << " " << t.body);
    chat(c, std::string("Run trial on ") + t.symbol + " using polygon");
    r.until("proposal");
    chat(c, "yes");
    const auto f = r.until("trial_failed", std::chrono::seconds(60));
    CHECK(f.str("code") == "data_failed");
    CHECK_THAT(f.str("message"), Catch::Contains(t.said) &&
                                     Catch::Contains("check POLYGON_API_KEY") &&
                                     Catch::Contains("on synthetic data"));
    CHECK_THAT(f.raw, !Catch::Contains(key));
  }
  CHECK(polygon.requests().size() == table.size());  // a refusal is not retried
}

TEST_CASE("a page blocked by its Origin is refused with what to change", "[mistakes][integration]") {
  const std::string dir = mlt::test::fresh_dir("mistakes-origin");
  const std::string config =
      write_file(dir + "/config.json", R"({"server": {"allowed_origins": ["http://good.example:8765"]}})");
  daemon_process d(dir + "/state", {"--config", config});
  mlt::net::ws_client c;
  std::string what;
  try {
    c.connect("127.0.0.1", d.port(), "/ws", {{"Origin", "http://evil.example"}});
  } catch (const std::exception& e) {
    what = e.what();
  }
  CHECK_THAT(what, Catch::Contains("403"));
  d.stop();
  std::ifstream log(dir + "/state/mltrainerd.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("forbidden_origin") && Catch::Contains("server.allowed_origins"));
}
