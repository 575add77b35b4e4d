#pragma once
/// One HTTP/1.1 connection: keep-alive requests go to handlers.on_http; an
/// accepted upgrade at /ws becomes a websocket_session.

#include "net/server/shared_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

namespace mlt::net::detail {

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state);
  void run();

private:
  using request_type = boost::beast::http::request<boost::beast::http::string_body>;
  using response_type = boost::beast::http::response<boost::beast::http::string_body>;

  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_upgrade(request_type&& req);
  void refused(int status);
  void handle_http(const request_type& req);
  void reply(int status, const std::string& text, bool keep_alive, const request_type* req);
  void write(response_type&& res);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void fail(boost::beast::error_code ec, const char* what);

  boost::beast::tcp_stream stream_;
  std::shared_ptr<shared_state> state_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<response_type> response_;
};

}  // namespace mlt::net::detail
