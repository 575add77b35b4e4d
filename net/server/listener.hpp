#pragma once
/// Accepts TCP connections and hands each to an http_session.

#include "net/server/shared_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

#include <cstdint>
#include <memory>

namespace mlt::net::detail {

class listener : public std::enable_shared_from_this<listener> {
public:
  /// Opens, binds and listens; throws std::runtime_error naming address:port.
  listener(boost::asio::io_context& ioc, std::shared_ptr<shared_state> state);
  void run();
  /// Stops accepting (any thread).
  void stop();
  std::uint16_t port() const { return port_; }

private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<shared_state> state_;
  std::uint16_t port_ = 0;
};

}  // namespace mlt::net::detail
