#pragma once
/// The daemon's one listening port: WebSocket chat at /ws and plain HTTP
/// beside it. Runs its own Asio threads; callbacks are invoked on them and
/// must not block (hand the work to an actor).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlt::net {

/// One open WebSocket connection, as the application sees it. Thread-safe:
/// send() and close() may be called from any thread, any number of times.
class ws_connection {
public:
  virtual ~ws_connection() = default;
  virtual std::uint64_t id() const = 0;
  /// Queues a text frame; frames go out in the order queued.
  virtual void send(std::string text) = 0;
  /// Closes with a normal close frame after queued frames are written.
  virtual void close() = 0;
  /// Remote endpoint "ip:port", for logs.
  virtual std::string remote() const = 0;
};

// Named apart from http_client.hpp's http_request/http_response: two
// different structs with one name in one program break the one-definition
// rule, and the Release build crashed on it (a destructor of the wrong type).
struct server_request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< path and query, e.g. "/api/trials?limit=5" (any token= removed)
  std::map<std::string, std::string> headers;  ///< lower-case names (authorization removed)
  std::string body;
  /// True when no tokens are configured or a valid token came with the
  /// request; the application decides which HTTP paths need it.
  bool authenticated = false;
};

struct server_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
};

struct server_options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;          ///< 0 = pick a free port (see server::port())
  int threads = 1;                 ///< Asio threads
  std::size_t max_frame_bytes = 1 << 20;  ///< larger frames close the connection (1009)
  /// Accepted bearer tokens ("Authorization: Bearer T" or "?token=T" on /ws);
  /// empty = no authentication.
  std::vector<std::string> tokens;
  /// Allowed WebSocket Origin values; empty = allow any (and absent) Origin.
  std::vector<std::string> allowed_origins;
  /// Larger HTTP request bodies are refused with 413.
  std::size_t max_http_body_bytes = 1 << 20;
  /// Bytes waiting to be written to one WebSocket; a client that stops
  /// reading past this is disconnected instead of growing the daemon's memory.
  std::size_t max_send_queue_bytes = 64u << 20;
};

struct server_handlers {
  /// A WebSocket at /ws completed its handshake.
  std::function<void(std::shared_ptr<ws_connection>)> on_open;
  /// A text frame arrived on connection `id`.
  std::function<void(std::uint64_t id, std::string text)> on_message;
  /// Connection `id` is gone (closed by either side or failed).
  std::function<void(std::uint64_t id)> on_close;
  /// Any HTTP request that is not the /ws upgrade. Unset = 404.
  std::function<server_response(const server_request&)> on_http;
  /// A request was refused before the application saw it: 401 (no or a
  /// wrong token), 403 (Origin not allowed) or 404 (upgrade off /ws), with
  /// the remote "ip:port" (for metrics and logs; never the token).
  std::function<void(int status, const std::string& remote)> on_refused;
  /// One line per network problem worth knowing (never contains tokens).
  /// Unset = stderr.
  std::function<void(const std::string&)> on_log;
};

class server {
public:
  server(server_options options, server_handlers handlers);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts accepting; throws std::runtime_error naming the
  /// address when the port cannot be bound.
  void start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Stops accepting, closes every connection, joins the threads.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mlt::net
