#include "net/server.hpp"
#include "net/ws_client.hpp"
#include "test_server_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

using namespace mlt::net;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

namespace {

// The message of the runtime_error that connect() throws, or "" if it connected.
std::string connect_error(std::uint16_t port, const std::string& path,
                          const std::map<std::string, std::string>& headers = {}) {
  ws_client client;
  try {
    client.connect("127.0.0.1", port, path, headers);
  } catch (const std::runtime_error& e) {
    CHECK_FALSE(client.is_open());
    return e.what();
  }
  client.send("ping");
  const auto reply = client.read(5s);
  REQUIRE(reply.has_value());
  CHECK(*reply == "echo:ping");
  return "";
}

}  // namespace

TEST_CASE("with tokens configured, /ws refuses a client without a token with 401", "[net][security]") {
  test::echo_app app;
  server_options opts;
  opts.tokens = {"first-token", "s3cret-token"};
  server srv(opts, app.handlers());
  srv.start();

  const auto err = connect_error(srv.port(), "/ws");
  CHECK_THAT(err, Catch::Matchers::Contains("401"));
  CHECK(app.open_count() == 0);
}

TEST_CASE("the right token works in the Authorization header and in ?token=", "[net][security]") {
  test::echo_app app;
  server_options opts;
  opts.tokens = {"first-token", "s3cret-token"};
  server srv(opts, app.handlers());
  srv.start();

  CHECK(connect_error(srv.port(), "/ws", {{"Authorization", "Bearer s3cret-token"}}).empty());
  CHECK(connect_error(srv.port(), "/ws?token=s3cret-token").empty());
  CHECK(connect_error(srv.port(), "/ws?x=1&token=first-token").empty());
  CHECK(connect_error(srv.port(), "/ws?token=s3cret%2Dtoken").empty());
  CHECK(app.open_count() == 4);
}

TEST_CASE("a wrong token is refused with 401 and the error does not repeat it", "[net][security]") {
  test::echo_app app;
  server_options opts;
  opts.tokens = {"s3cret-token"};
  server srv(opts, app.handlers());
  srv.start();

  const auto by_header = connect_error(srv.port(), "/ws", {{"Authorization", "Bearer s3cret-toke"}});
  CHECK_THAT(by_header, Catch::Matchers::Contains("401"));
  const auto by_query = connect_error(srv.port(), "/ws?token=wrong-guess");
  CHECK_THAT(by_query, Catch::Matchers::Contains("401"));
  CHECK_THAT(by_query, !Catch::Matchers::Contains("wrong-guess"));
  const auto prefix = connect_error(srv.port(), "/ws?token=s3cret-token-and-more");
  CHECK_THAT(prefix, Catch::Matchers::Contains("401"));
  const auto not_bearer = connect_error(srv.port(), "/ws", {{"Authorization", "Basic s3cret-token"}});
  CHECK_THAT(not_bearer, Catch::Matchers::Contains("401"));
  CHECK(app.open_count() == 0);
  for (const auto& line : app.logs) CHECK_THAT(line, !Catch::Matchers::Contains("s3cret"));
}

TEST_CASE("an Origin outside the allow-list is refused with 403; allowed or absent Origin connects",
          "[net][security]") {
  test::echo_app app;
  server_options opts;
  opts.allowed_origins = {"http://localhost:8080", "https://trader.example"};
  server srv(opts, app.handlers());
  srv.start();

  const auto wrong = connect_error(srv.port(), "/ws", {{"Origin", "https://evil.example"}});
  CHECK_THAT(wrong, Catch::Matchers::Contains("403"));
  CHECK(connect_error(srv.port(), "/ws", {{"Origin", "https://trader.example"}}).empty());
  CHECK(connect_error(srv.port(), "/ws").empty());
  CHECK(app.open_count() == 2);
}

TEST_CASE("token and Origin checks apply together", "[net][security]") {
  test::echo_app app;
  server_options opts;
  opts.tokens = {"tok"};
  opts.allowed_origins = {"http://localhost:8080"};
  server srv(opts, app.handlers());
  srv.start();

  CHECK_THAT(connect_error(srv.port(), "/ws?token=tok", {{"Origin", "http://other"}}),
             Catch::Matchers::Contains("403"));
  CHECK_THAT(connect_error(srv.port(), "/ws", {{"Origin", "http://localhost:8080"}}),
             Catch::Matchers::Contains("401"));
  CHECK(connect_error(srv.port(), "/ws?token=tok", {{"Origin", "http://localhost:8080"}}).empty());
}

TEST_CASE("HTTP requests carry an authenticated flag and never the token itself", "[net][security]") {
  test::echo_app app;
  auto handlers = app.handlers();
  std::mutex m;
  std::vector<server_request> seen;
  handlers.on_http = [&](const server_request& req) {
    std::lock_guard<std::mutex> lock(m);
    seen.push_back(req);
    server_response res;
    res.status = req.authenticated ? 200 : 401;
    res.body = req.authenticated ? "ok" : "no";
    return res;
  };
  server_options opts;
  opts.tokens = {"tok-123"};
  server srv(opts, handlers);
  srv.start();

  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/api/trials").status == 401);
  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/api/trials?limit=5&token=tok-123").status ==
        200);
  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/metrics",
                               {{"Authorization", "Bearer tok-123"}})
            .status == 200);
  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/metrics", {{"Authorization", "Bearer nope"}})
            .status == 401);

  std::lock_guard<std::mutex> lock(m);
  REQUIRE(seen.size() == 4);
  CHECK(seen[1].target == "/api/trials?limit=5");
  for (const auto& req : seen) {
    CHECK_THAT(req.target, !Catch::Matchers::Contains("tok-123"));
    CHECK(req.headers.count("authorization") == 0);
  }
}

TEST_CASE("without tokens every request counts as authenticated", "[net][security]") {
  test::echo_app app;
  auto handlers = app.handlers();
  handlers.on_http = [](const server_request& req) {
    server_response res;
    res.body = req.authenticated ? "yes" : "no";
    return res;
  };
  server srv({}, handlers);
  srv.start();
  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/health").body == "yes");
}

TEST_CASE("a client that stops reading is disconnected once its unsent frames pass the limit", "[net][security]") {
  std::mutex m;
  std::shared_ptr<ws_connection> conn;
  std::atomic<bool> closed{false};
  std::string log;
  server_handlers h;
  h.on_open = [&](std::shared_ptr<ws_connection> c) {
    std::lock_guard<std::mutex> lock(m);
    conn = std::move(c);
  };
  h.on_close = [&](std::uint64_t) { closed = true; };
  h.on_log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(m);
    log += line + "\n";
  };
  server_options opts;
  opts.max_send_queue_bytes = 1u << 20;
  server srv(opts, h);
  srv.start();

  ws_client client;  // connects and then never reads
  client.connect("127.0.0.1", srv.port());
  // `conn` is set on the server's thread: read it under the lock (TSan found the unlocked read).
  auto opened = [&] {
    std::lock_guard<std::mutex> lock(m);
    return conn;
  };
  std::shared_ptr<ws_connection> c;
  for (int i = 0; i < 200 && !(c = opened()); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(c);
  // 128 MB in 64 KB frames: far more than the kernel's socket buffers and the 1 MB limit.
  const std::string frame(64 << 10, 'x');
  for (int i = 0; i < 2048 && !closed; ++i) c->send(frame);
  for (int i = 0; i < 1000 && !closed; ++i) std::this_thread::sleep_for(10ms);
  CHECK(closed);
  std::lock_guard<std::mutex> lock(m);
  CHECK_THAT(log, Catch::Matchers::Contains("client is not reading"));
}
