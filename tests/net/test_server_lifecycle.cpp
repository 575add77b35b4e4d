#include "net/server.hpp"
#include "net/ws_client.hpp"
#include "test_server_support.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace mlt::net;
using namespace std::chrono_literals;

TEST_CASE("two clients talk to the server at the same time", "[net][server]") {
  test::echo_app app;
  server_options opts;
  opts.threads = 2;
  server srv(opts, app.handlers());
  srv.start();

  auto talk = [&](const std::string& who, std::vector<std::string>& got) {
    ws_client client;
    client.connect("127.0.0.1", srv.port());
    for (int i = 0; i < 200; ++i) {
      client.send(who + std::to_string(i));
      auto reply = client.read(5s);
      got.push_back(reply.value_or("<timeout>"));
    }
  };
  std::vector<std::string> a, b;
  std::thread ta([&] { talk("a", a); });
  std::thread tb([&] { talk("b", b); });
  ta.join();
  tb.join();
  REQUIRE(a.size() == 200);
  REQUIRE(b.size() == 200);
  for (int i = 0; i < 200; ++i) {
    CHECK(a[i] == "echo:a" + std::to_string(i));
    CHECK(b[i] == "echo:b" + std::to_string(i));
  }
}

TEST_CASE("connection ids are unique and increasing", "[net][server]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  ws_client c1, c2, c3;
  c1.connect("127.0.0.1", srv.port());
  REQUIRE(app.wait([&] { return app.open.size() == 1; }));
  c2.connect("127.0.0.1", srv.port());
  REQUIRE(app.wait([&] { return app.open.size() == 2; }));
  c3.connect("127.0.0.1", srv.port());
  REQUIRE(app.wait([&] { return app.open.size() == 3; }));
  std::lock_guard<std::mutex> lock(app.mutex);
  std::vector<std::uint64_t> ids;
  for (const auto& [id, conn] : app.open) {
    CHECK(conn->id() == id);
    CHECK_THAT(conn->remote(), Catch::Matchers::StartsWith("127.0.0.1:"));
    ids.push_back(id);
  }
  CHECK(ids[0] < ids[1]);
  CHECK(ids[1] < ids[2]);
}

TEST_CASE("frames sent from another thread arrive in order", "[net][server]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  ws_client client;
  client.connect("127.0.0.1", srv.port());
  REQUIRE(app.wait([&] { return app.open.size() == 1; }));
  std::shared_ptr<ws_connection> conn;
  {
    std::lock_guard<std::mutex> lock(app.mutex);
    conn = app.open.begin()->second;
  }
  std::thread pusher([conn] {
    for (int i = 0; i < 100; ++i) conn->send("push" + std::to_string(i));
  });
  pusher.join();
  for (int i = 0; i < 100; ++i) {
    const auto frame = client.read(5s);
    REQUIRE(frame.has_value());
    REQUIRE(*frame == "push" + std::to_string(i));
  }
}

TEST_CASE("an oversized frame closes only that connection with 1009", "[net][server]") {
  test::echo_app app;
  server_options opts;
  opts.max_frame_bytes = 1024;
  server srv(opts, app.handlers());
  srv.start();

  ws_client good, bad;
  good.connect("127.0.0.1", srv.port());
  bad.connect("127.0.0.1", srv.port());
  REQUIRE(app.wait([&] { return app.open.size() == 2; }));

  good.send(std::string(1000, 'g'));
  REQUIRE(good.read(5s) == "echo:" + std::string(1000, 'g'));

  std::string error;
  try {
    bad.send(std::string(4096, 'x'));
    bad.read(5s);
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CHECK_FALSE(error.empty());
  CHECK_FALSE(bad.is_open());
  REQUIRE(app.wait([&] { return app.close_count.size() == 1; }));

  good.send("still here");
  CHECK(good.read(5s) == "echo:still here");
  CHECK(good.is_open());
  std::lock_guard<std::mutex> lock(app.mutex);
  CHECK(app.open.size() == 2);
  CHECK(app.close_count.size() == 1);
}

TEST_CASE("the client sees close code 1009 after an oversized frame", "[net][server]") {
  test::echo_app app;
  server_options opts;
  opts.max_frame_bytes = 64;
  server srv(opts, app.handlers());
  srv.start();
  ws_client client;
  client.connect("127.0.0.1", srv.port());
  client.send(std::string(200, 'x'));
  try {
    client.read(5s);
    FAIL("read should throw after the server closed");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("1009"));
  }
}

TEST_CASE("the application can close a connection after its last frame", "[net][server]") {
  test::echo_app app;
  server srv({}, app.handlers());
  srv.start();
  ws_client client;
  client.connect("127.0.0.1", srv.port());
  REQUIRE(app.wait([&] { return app.open.size() == 1; }));
  std::shared_ptr<ws_connection> conn;
  {
    std::lock_guard<std::mutex> lock(app.mutex);
    conn = app.open.begin()->second;
  }
  conn->send("one");
  conn->send("two");
  conn->close();
  conn->send("after close is dropped");
  CHECK(client.read(5s) == "one");
  CHECK(client.read(5s) == "two");
  try {
    client.read(5s);
    FAIL("read should throw after the server closed");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("1000"));
  }
  REQUIRE(app.wait([&] { return app.close_count.size() == 1; }));
}

TEST_CASE("on_close comes exactly once per connection, whoever closes", "[net][server]") {
  test::echo_app app;
  std::uint16_t port = 0;
  std::vector<std::uint64_t> ids;
  {
    server srv({}, app.handlers());
    srv.start();
    port = srv.port();
    ws_client by_client, by_server, by_stop;
    by_client.connect("127.0.0.1", port);
    by_server.connect("127.0.0.1", port);
    by_stop.connect("127.0.0.1", port);
    REQUIRE(app.wait([&] { return app.open.size() == 3; }));
    std::shared_ptr<ws_connection> second;
    {
      std::lock_guard<std::mutex> lock(app.mutex);
      for (const auto& [id, conn] : app.open) ids.push_back(id);
      second = app.open[ids[1]];
    }
    by_client.close();
    second->close();
    second->close();
    // The close handshake needs the client to read the server's close frame.
    CHECK_THROWS_AS(by_server.read(5s), std::runtime_error);
    REQUIRE(app.wait([&] { return app.close_count.size() == 2; }));
    srv.stop();
    srv.stop();
  }
  std::lock_guard<std::mutex> lock(app.mutex);
  REQUIRE(app.close_count.size() == 3);
  for (auto id : ids) CHECK(app.close_count[id] == 1);
}

TEST_CASE("stop() returns with open connections, also ones that never answer", "[net][server]") {
  test::echo_app app;
  auto srv = std::make_unique<server>(server_options{}, app.handlers());
  srv->start();
  // A client that never reads again cannot answer the close handshake.
  ws_client silent, polite;
  silent.connect("127.0.0.1", srv->port());
  polite.connect("127.0.0.1", srv->port());
  REQUIRE(app.wait([&] { return app.open.size() == 2; }));
  std::shared_ptr<ws_connection> kept;
  {
    std::lock_guard<std::mutex> lock(app.mutex);
    kept = app.open.begin()->second;
  }
  // An HTTP keep-alive connection left idle must not hold stop() up either.
  boost::asio::io_context ioc;
  boost::beast::tcp_stream idle(ioc);
  idle.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), srv->port()));

  std::thread reader([&] {
    try {
      while (polite.read(10s)) {
      }
    } catch (const std::runtime_error&) {
    }
  });
  srv->stop();
  reader.join();
  CHECK_FALSE(polite.is_open());
  {
    std::lock_guard<std::mutex> lock(app.mutex);
    CHECK(app.close_count.size() == 2);
  }
  srv.reset();
  // A handle kept past the server's life is harmless.
  kept->send("nobody hears this");
  kept->close();
}
