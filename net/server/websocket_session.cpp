#include "net/server/websocket_session.hpp"

#include "net/server/connection_handle.hpp"

#include <boost/asio/post.hpp>

namespace mlt::net::detail {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

namespace {

std::string endpoint_text(const asio::ip::tcp::socket& socket) {
  beast::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

websocket_session::websocket_session(asio::ip::tcp::socket&& socket,
                                     std::shared_ptr<shared_state> state)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      id_(state_->next_id()),
      remote_(endpoint_text(beast::get_lowest_layer(ws_).socket())) {}

void websocket_session::run(beast::http::request<beast::http::string_body> req) {
  // The HTTP session's timer must not cut the WebSocket; it has its own.
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, "mltrainerd");
  }));
  ws_.read_message_max(state_->options().max_frame_bytes);
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "websocket accept");
  if (!state_->join(id_, shared_from_this())) {
    // stop() already began: do not announce a connection it will not close.
    finished_ = true;
    beast::get_lowest_layer(ws_).close();
    return;
  }
  opened_ = true;
  if (state_->handlers().on_open)
    state_->handlers().on_open(std::make_shared<connection_handle>(weak_from_this(), id_, remote_, state_));
  do_read();
}

void websocket_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // Beast has already sent close 1009 for an oversized frame; only this
    // connection ends.
    fail(ec, "websocket read");
    return finish();
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (state_->handlers().on_message && !finished_) state_->handlers().on_message(id_, std::move(text));
  do_read();
}

void websocket_session::send(std::string text) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    if (self->finished_ || self->close_requested_) return;
    const auto limit = self->state_->options().max_send_queue_bytes;
    if (limit > 0 && self->queued_bytes_ + text.size() > limit) {
      self->state_->log("client is not reading (connection " + std::to_string(self->id_) + ", " + self->remote_ +
                        "): " + std::to_string(self->queued_bytes_) + " bytes wait to be sent, over the limit of " +
                        std::to_string(limit) + "; disconnecting it");
      self->close_requested_ = true;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(self->ws_).close();
      return;
    }
    self->queued_bytes_ += text.size();
    self->queue_.push_back(std::move(text));
    if (self->queue_.size() == 1) self->do_write();
  });
}

void websocket_session::do_write() {
  ws_.text(true);
  ws_.async_write(asio::buffer(queue_.front()),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    fail(ec, "websocket write");
    queue_.clear();
    queued_bytes_ = 0;
    return finish();
  }
  queued_bytes_ -= queue_.front().size();
  queue_.pop_front();
  if (!queue_.empty()) return do_write();
  if (close_requested_) do_close();
}

void websocket_session::close() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->close_requested_ || self->finished_) return;
    self->close_requested_ = true;
    if (self->queue_.empty()) self->do_close();
  });
}

void websocket_session::abort() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(self->ws_).close();
  });
}

void websocket_session::do_close() {
  if (closing_ || finished_) return;
  closing_ = true;
  ws_.async_close(websocket::close_code::normal,
                  beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
}

void websocket_session::on_close(beast::error_code ec) {
  if (ec) fail(ec, "websocket close");
  // The pending read completes too (with "closed") and also calls finish().
  finish();
}

void websocket_session::fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == websocket::error::closed) return;
  state_->log(std::string(what) + " (connection " + std::to_string(id_) + ", " + remote_ +
              "): " + ec.message());
}

void websocket_session::finish() {
  if (finished_) return;
  finished_ = true;
  if (!opened_) return;
  state_->leave(id_);
  if (state_->handlers().on_close) state_->handlers().on_close(id_);
}

}  // namespace mlt::net::detail
