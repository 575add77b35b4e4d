#pragma once
/// One upgraded connection at /ws: reads text frames, writes a queue of them
/// one at a time, and reports open/message/close to the application.

#include "net/server/shared_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace mlt::net::detail {

class websocket_session : public std::enable_shared_from_this<websocket_session> {
public:
  websocket_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state);

  /// Answers the upgrade request `req` and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> req);

  std::uint64_t id() const { return id_; }
  const std::string& remote() const { return remote_; }

  /// Queues a text frame (any thread).
  void send(std::string text);
  /// Closes normally once the queue is written (any thread).
  void close();
  /// Drops the TCP connection now (any thread); used when stop() runs out of patience.
  void abort();
  /// Reports the close if nobody did yet; only when no io thread runs.
  void finish_after_stop() { finish(); }

private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void on_close(boost::beast::error_code ec);
  void fail(boost::beast::error_code ec, const char* what);
  void finish();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::shared_ptr<shared_state> state_;
  std::uint64_t id_;
  std::string remote_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool opened_ = false;
  bool close_requested_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

}  // namespace mlt::net::detail
