#include "net/server.hpp"
#include "net/ws_client.hpp"
#include "test_server_support.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace mlt::net;
using namespace std::chrono_literals;

TEST_CASE("a text frame makes the round trip through the real server and client", "[net][server]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  REQUIRE(srv.port() != 0);

  ws_client client;
  client.connect("127.0.0.1", srv.port());
  REQUIRE(client.is_open());
  client.send("hello");
  const auto reply = client.read(5s);
  REQUIRE(reply.has_value());
  CHECK(*reply == "echo:hello");
  client.close();
  CHECK_FALSE(client.is_open());
  CHECK(app.wait([&] { return app.close_count.size() == 1; }));
}

TEST_CASE("many frames come back in the order they were sent", "[net][server]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  ws_client client;
  client.connect("127.0.0.1", srv.port());
  constexpr int n = 500;
  for (int i = 0; i < n; ++i) client.send(std::to_string(i));
  for (int i = 0; i < n; ++i) {
    const auto reply = client.read(5s);
    REQUIRE(reply.has_value());
    REQUIRE(*reply == "echo:" + std::to_string(i));
  }
}

TEST_CASE("a read that times out leaves the client usable for the next read", "[net][client]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  ws_client client;
  client.connect("127.0.0.1", srv.port());
  CHECK_FALSE(client.read(50ms).has_value());
  CHECK_FALSE(client.read(20ms).has_value());
  client.send("after timeout");
  const auto reply = client.read(5s);
  REQUIRE(reply.has_value());
  CHECK(*reply == "echo:after timeout");
}

TEST_CASE("the server's port is the one it bound, and a taken port names the address", "[net][server]") {
  test::echo_app app;
  server first({}, app.handlers());
  first.start();
  server_options opts;
  opts.port = first.port();
  server second(opts, app.handlers());
  // SO_REUSEADDR does not let two listeners share one port on Linux.
  try {
    second.start();
    FAIL("binding a port already in use should throw");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("127.0.0.1:" + std::to_string(first.port())));
  }
}

TEST_CASE("connecting to a closed port fails with a clear message", "[net][client]") {
  std::uint16_t port = 0;
  {
    test::echo_app app;
    server srv({}, app.handlers());
    srv.start();
    port = srv.port();
  }
  ws_client client;
  try {
    client.connect("127.0.0.1", port);
    FAIL("connect should throw");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("cannot connect to 127.0.0.1:" + std::to_string(port)));
  }
  CHECK_FALSE(client.is_open());
}

TEST_CASE("ws urls split into host, port and path", "[net][client]") {
  std::string host, path;
  std::uint16_t port = 0;
  REQUIRE(parse_ws_url("ws://127.0.0.1:8080/ws", host, port, path));
  CHECK(host == "127.0.0.1");
  CHECK(port == 8080);
  CHECK(path == "/ws");
  REQUIRE(parse_ws_url("ws://example.org", host, port, path));
  CHECK(host == "example.org");
  CHECK(port == 80);
  CHECK(path == "/");
  REQUIRE(parse_ws_url("ws://[::1]:9/ws?token=a", host, port, path));
  CHECK(host == "::1");
  CHECK(port == 9);
  CHECK(path == "/ws?token=a");
  CHECK_FALSE(parse_ws_url("http://h:1/ws", host, port, path));
  CHECK_FALSE(parse_ws_url("ws://:1/ws", host, port, path));
  CHECK_FALSE(parse_ws_url("ws://h:/ws", host, port, path));
  CHECK_FALSE(parse_ws_url("ws://h:70000/ws", host, port, path));
  CHECK_FALSE(parse_ws_url("ws://h:12a/ws", host, port, path));
}
