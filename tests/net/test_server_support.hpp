#pragma once
// Shared helpers for the server tests: an echo server set-up and a raw
// HTTP request through Beast.

#include "net/server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace mlt::net::test {

// Records what the server reported and echoes every frame back.
struct echo_app {
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::uint64_t, std::shared_ptr<ws_connection>> open;
  std::map<std::uint64_t, int> close_count;
  std::vector<std::string> logs;

  server_handlers handlers() {
    server_handlers h;
    h.on_open = [this](std::shared_ptr<ws_connection> c) {
      std::lock_guard<std::mutex> lock(mutex);
      open[c->id()] = c;
      cv.notify_all();
    };
    h.on_message = [this](std::uint64_t id, std::string text) {
      std::shared_ptr<ws_connection> c;
      {
        std::lock_guard<std::mutex> lock(mutex);
        c = open[id];
      }
      if (c) c->send("echo:" + text);
    };
    h.on_close = [this](std::uint64_t id) {
      std::lock_guard<std::mutex> lock(mutex);
      ++close_count[id];
      cv.notify_all();
    };
    h.on_log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex);
      logs.push_back(line);
    };
    return h;
  }

  // Waits (bounded) until `pred` holds under the lock.
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mutex);
    return cv.wait_for(lock, timeout, pred);
  }

  std::size_t open_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return open.size();
  }
};

struct http_result {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

// One HTTP/1.1 request over a fresh connection.
inline http_result http_request_raw(std::uint16_t port, boost::beast::http::verb method,
                                    const std::string& target,
                                    const std::map<std::string, std::string>& headers = {},
                                    const std::string& body = {}) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == http::verb::head);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  http_result out;
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& f : res) out.headers[std::string(f.name_string())] = std::string(f.value());
  beast::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace mlt::net::test
