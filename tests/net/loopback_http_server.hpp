#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 and a free port, for testing HTTP
// clients against scripted replies: delays, truncated bodies, any status.
// One thread per connection, one request per connection (Connection: close).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mlt::test {

struct loopback_request {
  std::string method;
  std::string target;  ///< path and query as received
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct loopback_reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  ///< Content-Length is added
  std::string body;
  std::chrono::milliseconds delay{0};  ///< wait before replying (ends early on stop)
  /// Send only this many body bytes (Content-Length still announces the
  /// whole body), then close: a truncated response.
  std::size_t truncate_at = std::string::npos;
};

/// A reply with `body` as application/json.
loopback_reply json_reply(std::string body, int status = 200);

using loopback_handler = std::function<loopback_reply(const loopback_request&)>;

class loopback_http_server {
public:
  explicit loopback_http_server(loopback_handler handler);
  ~loopback_http_server();
  loopback_http_server(const loopback_http_server&) = delete;
  loopback_http_server& operator=(const loopback_http_server&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT"
  std::string base_url() const;
  /// Every request received so far, in arrival order.
  std::vector<loopback_request> requests() const;
  /// Stops accepting, cuts delays short and joins all threads.
  void stop();

private:
  void accept_loop();
  void serve(int fd);

  loopback_handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::vector<loopback_request> requests_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace mlt::test
