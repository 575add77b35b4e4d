#include "net/server/listener.hpp"

#include "net/server/http_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <stdexcept>

namespace mlt::net::detail {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

listener::listener(asio::io_context& ioc, std::shared_ptr<shared_state> state)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), state_(std::move(state)) {
  const auto& opts = state_->options();
  const std::string where = opts.bind + ":" + std::to_string(opts.port);
  beast::error_code ec;
  const auto address = asio::ip::make_address(opts.bind, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": invalid address (" + ec.message() + ")");
  const tcp::endpoint endpoint{address, opts.port};

  auto check = [&](const char* step) {
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + step + " failed: " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  check("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  check("SO_REUSEADDR");
  acceptor_.bind(endpoint, ec);
  check("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  check("listen");
  port_ = acceptor_.local_endpoint(ec).port();
  check("local_endpoint");
}

void listener::run() { do_accept(); }

void listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void listener::do_accept() {
  // Each connection gets its own strand, so its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    state_->log(std::string("accept: ") + ec.message());
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<http_session>(std::move(socket), state_)->run();
  }
  do_accept();
}

}  // namespace mlt::net::detail
