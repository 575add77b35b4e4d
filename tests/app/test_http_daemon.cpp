// The real daemon's HTTP routes on its WebSocket port.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "net/http_client.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using namespace std::chrono_literals;

TEST_CASE("the daemon serves /health, /metrics and /api/trials on its WebSocket port", "[http][integration]") {
  mlt::test::daemon_process d(mlt::test::fresh_dir("http-daemon"));
  const std::string base = "http://127.0.0.1:" + std::to_string(d.port());
  mlt::net::http_client http;
  auto fetch = [&](const std::string& path, const std::string& method = "GET") {
    mlt::net::http_request req;
    req.method = method;
    req.url = base + path;
    req.timeout = 10s;
    return http.send(req);
  };
  CHECK(fetch("/health").status == 200);

  // A conversation up to an approved trial, so the counters move.
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  mlt::test::frame_reader r(c);
  r.next();
  c.send(R"({"type":"chat","text":"Run trial on TSLA with logistic"})");
  auto proposal = r.until("proposal");
  c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(proposal.num("proposal_id"))) +
         "}");
  const auto id = static_cast<std::int64_t>(r.until("reply").num("trial_id"));
  c.send(R"({"type":"dance"})");
  r.until("error");

  auto metrics = fetch("/metrics");
  CHECK(metrics.status == 200);
  INFO(metrics.body);
  CHECK(metrics.body.find("mltrainer_sessions 1\n") != std::string::npos);
  CHECK(metrics.body.find("mltrainer_errors_total{code=\"unknown_type\"} 1\n") != std::string::npos);
  CHECK(metrics.body.find("mltrainer_ws_frames_total{direction=\"in\"} 3\n") != std::string::npos);

  auto one = fetch("/api/trials/" + std::to_string(id));
  CHECK(one.status == 200);
  CHECK(one.body.find("\"origin\":\"chat\"") != std::string::npos);
  CHECK(fetch("/api/trials").body.find("\"trial_id\":" + std::to_string(id)) != std::string::npos);
  CHECK(fetch("/api/trials/abc").status == 400);
  CHECK(fetch("/api/trials/9999").status == 404);
  CHECK(fetch("/api/nothing").status == 404);
  CHECK(fetch("/api/trials", "DELETE").status == 405);
}
