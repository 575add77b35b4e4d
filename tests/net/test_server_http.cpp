#include "net/server.hpp"
#include "net/ws_client.hpp"
#include "test_server_support.hpp"

#include <catch2/catch.hpp>

using namespace mlt::net;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

TEST_CASE("a plain HTTP GET goes to on_http with its method, target, headers and body", "[net][http]") {
  test::echo_app app;
  auto handlers = app.handlers();
  server_request seen;
  handlers.on_http = [&](const server_request& req) {
    seen = req;
    server_response res;
    res.content_type = "application/json";
    res.body = R"({"status":"ok"})";
    res.headers["X-Trace"] = "1";
    return res;
  };
  server srv({}, handlers);
  srv.start();

  auto res = test::http_request_raw(srv.port(), http::verb::get, "/health?verbose=1",
                                          {{"X-Custom-Header", "Value"}});
  CHECK(res.status == 200);
  CHECK(res.body == R"({"status":"ok"})");
  CHECK(res.headers["Content-Type"] == "application/json");
  CHECK(res.headers["X-Trace"] == "1");
  CHECK(seen.method == "GET");
  CHECK(seen.target == "/health?verbose=1");
  CHECK(seen.headers["x-custom-header"] == "Value");
  CHECK(seen.authenticated);

  const auto post = test::http_request_raw(srv.port(), http::verb::post, "/api/echo", {}, "payload");
  CHECK(post.status == 200);
  CHECK(seen.method == "POST");
  CHECK(seen.body == "payload");
}

TEST_CASE("HEAD gets the headers of GET without a body", "[net][http]") {
  test::echo_app app;
  auto handlers = app.handlers();
  handlers.on_http = [](const server_request&) {
    server_response res;
    res.body = "twelve bytes";
    return res;
  };
  server srv({}, handlers);
  srv.start();
  auto res = test::http_request_raw(srv.port(), http::verb::head, "/");
  CHECK(res.status == 200);
  CHECK(res.headers["Content-Length"] == "12");
  CHECK(res.body.empty());
}

TEST_CASE("without on_http every HTTP request is 404", "[net][http]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  auto res = test::http_request_raw(srv.port(), http::verb::get, "/health");
  CHECK(res.status == 404);
  CHECK_THAT(res.body, Catch::Matchers::Contains("not found"));
}

TEST_CASE("an upgrade on a path other than /ws is 404", "[net][http]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  ws_client client;
  try {
    client.connect("127.0.0.1", srv.port(), "/chat");
    FAIL("connect should throw");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("404"));
  }
  CHECK(app.open_count() == 0);
  // /ws with a query string is still /ws.
  ws_client ok;
  ok.connect("127.0.0.1", srv.port(), "/ws?client=cli");
  CHECK(ok.is_open());
}

TEST_CASE("a request body over the limit is refused with 413", "[net][http]") {
  test::echo_app app;
  auto handlers = app.handlers();
  bool called = false;
  handlers.on_http = [&](const server_request&) {
    called = true;
    return server_response{};
  };
  server_options opts;
  opts.max_http_body_bytes = 100;
  server srv(opts, handlers);
  srv.start();
  auto res = test::http_request_raw(srv.port(), http::verb::post, "/api", {}, std::string(1000, 'x'));
  CHECK(res.status == 413);
  CHECK_FALSE(called);
}

TEST_CASE("a handler that throws answers 500 and the server keeps serving", "[net][http]") {
  test::echo_app app;
  auto handlers = app.handlers();
  handlers.on_http = [](const server_request& req) -> server_response {
    if (req.target == "/boom") throw std::runtime_error("kaput");
    return server_response{};
  };
  server srv({}, handlers);
  srv.start();
  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/boom").status == 500);
  CHECK(test::http_request_raw(srv.port(), http::verb::get, "/fine").status == 200);
  std::lock_guard<std::mutex> lock(app.mutex);
  REQUIRE(app.logs.size() == 1);
  CHECK_THAT(app.logs[0], Catch::Matchers::Contains("kaput"));
}

TEST_CASE("keep-alive serves several requests on one connection", "[net][http]") {
  test::echo_app app;
  auto handlers = app.handlers();
  handlers.on_http = [](const server_request& req) {
    server_response res;
    res.body = req.target;
    return res;
  };
  server srv({}, handlers);
  srv.start();

  namespace beast = boost::beast;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(srv.port())));
  beast::flat_buffer buffer;
  for (const std::string target : {"/a", "/b", "/c"}) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    CHECK(res.body() == target);
    CHECK(res.keep_alive());
  }
}
