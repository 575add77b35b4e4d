#include <catch2/catch.hpp>

#include "loopback_http_server.hpp"
#include "net/http_client.hpp"

using namespace mlt::net;
using mlt::test::loopback_http_server;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

TEST_CASE("redact_url hides key, token and apiKey query values", "[net][http]") {
  CHECK(redact_url("https://api.polygon.io/v2/x?adjusted=true&apiKey=SECRET123") ==
        "https://api.polygon.io/v2/x?adjusted=true&apiKey=***");
  CHECK(redact_url("http://h/p?api_key=S&token=T&x=1&key=K#frag") == "http://h/p?api_key=***&token=***&x=1&key=***#frag");
  CHECK(redact_url("http://h/p?APIKEY=S") == "http://h/p?APIKEY=***");
  CHECK(redact_url("http://h/p") == "http://h/p");
  CHECK(redact_url("http://h/p?monkey=1") == "http://h/p?monkey=1");
}

TEST_CASE("parse_url splits scheme, host, port and target", "[net][http]") {
  parsed_url u;
  REQUIRE(parse_url("https://api.polygon.io/v2/aggs?x=1", u));
  CHECK(u.scheme == "https");
  CHECK(u.host == "api.polygon.io");
  CHECK(u.port == "443");
  CHECK(u.target == "/v2/aggs?x=1");
  REQUIRE(parse_url("http://127.0.0.1:8080", u));
  CHECK(u.port == "8080");
  CHECK(u.target == "/");
  REQUIRE(parse_url("http://[::1]:9/a", u));
  CHECK(u.host == "::1");
  CHECK_FALSE(parse_url("ftp://x/y", u));
  CHECK_FALSE(parse_url("http://", u));
  CHECK_FALSE(parse_url("http://h:99999/", u));
  CHECK_FALSE(parse_url("http://user@h/", u));
  CHECK_FALSE(parse_url("http://h/a b", u));
  CHECK_FALSE(parse_url("http://h/a\r\nX-Injected: 1", u));
}

TEST_CASE("the client sends method, headers and body and returns status, headers and body", "[net][http]") {
  loopback_http_server server([](const loopback_request& r) {
    loopback_reply rep;
    rep.status = r.method == "POST" ? 201 : 200;
    rep.headers.emplace_back("X-Echo-Method", r.method);
    rep.body = r.target + "|" + r.body;
    return rep;
  });
  http_client client;
  http_request req;
  req.method = "POST";
  req.url = server.base_url() + "/v1/chat?x=1";
  req.headers.emplace_back("Authorization", "Bearer abc");
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = "{\"a\":1}";
  http_response res = client.send(req);
  CHECK(res.status == 201);
  CHECK(res.header("x-echo-method") == "POST");
  CHECK(res.body == "/v1/chat?x=1|{\"a\":1}");
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  bool auth = false;
  for (const auto& h : seen[0].headers) auth |= h.first == "Authorization" && h.second == "Bearer abc";
  CHECK(auth);
  // The same client is reusable.
  req.method = "GET";
  req.body.clear();
  CHECK(client.send(req).status == 200);
}

TEST_CASE("a response slower than the timeout is a timeout error with a redacted URL", "[net][http]") {
  loopback_http_server server([](const loopback_request&) {
    loopback_reply rep;
    rep.delay = std::chrono::milliseconds(3000);
    return rep;
  });
  http_client client;
  http_request req;
  req.url = server.base_url() + "/slow?apiKey=TOPSECRET";
  req.timeout = std::chrono::milliseconds(200);
  try {
    client.send(req);
    FAIL("no timeout");
  } catch (const http_error& e) {
    CHECK(e.kind == http_failure::timeout);
    CHECK(std::string(e.what()).find("timed out") != std::string::npos);
    CHECK(std::string(e.what()).find("TOPSECRET") == std::string::npos);
  }
  server.stop();
}

TEST_CASE("a body shorter than its Content-Length is reported as truncated", "[net][http]") {
  loopback_http_server server([](const loopback_request&) {
    loopback_reply rep;
    rep.body = std::string(1000, 'x');
    rep.truncate_at = 100;
    return rep;
  });
  http_client client;
  http_request req;
  req.url = server.base_url() + "/";
  try {
    client.send(req);
    FAIL("no error");
  } catch (const http_error& e) {
    CHECK(e.kind == http_failure::truncated);
  }
}

TEST_CASE("a refused connection and a bad URL are clear errors", "[net][http]") {
  std::uint16_t port = 0;
  {
    loopback_http_server server([](const loopback_request&) { return loopback_reply{}; });
    port = server.port();
  }
  http_client client;
  http_request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/?token=abc";
  try {
    client.send(req);
    FAIL("no error");
  } catch (const http_error& e) {
    CHECK(e.kind == http_failure::connect);
    CHECK(std::string(e.what()).find("token=***") != std::string::npos);
  }
  req.url = "gopher://x/";
  CHECK_THROWS_AS(client.send(req), http_error);
}

TEST_CASE("https refuses a server without a valid certificate", "[net][http]") {
  // The loopback server speaks plain HTTP: the TLS handshake must fail, never
  // fall back to plain text.
  loopback_http_server server([](const loopback_request&) { return loopback_reply{}; });
  http_client client;
  http_request req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.timeout = std::chrono::milliseconds(2000);
  try {
    client.send(req);
    FAIL("no error");
  } catch (const http_error& e) {
    CHECK((e.kind == http_failure::tls || e.kind == http_failure::io));
  }
  server.stop();
}
