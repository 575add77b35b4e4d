#include "net/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <stdexcept>

namespace mlt::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto connect_timeout = std::chrono::seconds(10);
constexpr auto close_timeout = std::chrono::seconds(2);

// The path without its query, which may carry a token.
std::string loggable(const std::string& host, std::uint16_t port, const std::string& path) {
  return host + ":" + std::to_string(port) + path.substr(0, path.find('?'));
}

}  // namespace

struct ws_client::impl {
  asio::io_context ioc;
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  bool open = false;
  // A read that timed out stays pending and is picked up by the next read().
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_ec;

  // Runs handlers until `done` holds or `timeout` passes; true if done.
  template <class Pred>
  bool run_until(Pred done, std::chrono::steady_clock::duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (ioc.stopped()) ioc.restart();
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      ioc.run_one_for(deadline - now);
    }
    return true;
  }

  void start_read() {
    read_pending = true;
    read_done = false;
    ws->async_read(buffer, [this](beast::error_code ec, std::size_t) {
      read_ec = ec;
      read_done = true;
    });
  }

  std::string close_reason() const {
    const auto& r = ws->reason();
    if (r.code == websocket::close_code::none) return "";
    std::string out = " (close code " + std::to_string(static_cast<int>(r.code));
    if (!r.reason.empty()) out += ", " + std::string(r.reason.data(), r.reason.size());
    return out + ")";
  }

  // Drops the TCP connection and lets cancelled handlers finish.
  void drop() {
    if (ws) {
      beast::error_code ignored;
      beast::get_lowest_layer(*ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(*ws).close();
      ioc.restart();
      ioc.poll();
    }
    open = false;
    read_pending = false;
  }
};

ws_client::ws_client() : impl_(std::make_unique<impl>()) {}

ws_client::~ws_client() {
  try {
    close();
  } catch (...) {
    // A destructor must not throw; the socket is dropped below anyway.
  }
  impl_->drop();
}

void ws_client::connect(const std::string& host, std::uint16_t port, const std::string& path,
                        const std::map<std::string, std::string>& headers) {
  auto& d = *impl_;
  if (d.open) close();
  d.ws.reset();
  d.buffer.consume(d.buffer.size());
  d.read_pending = false;
  d.ioc.restart();
  d.ws.emplace(d.ioc);
  const std::string where = loggable(host, port, path);

  beast::error_code ec;
  tcp::resolver resolver(d.ioc);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw std::runtime_error("cannot resolve " + host + ": " + ec.message());

  auto& tcp_layer = beast::get_lowest_layer(*d.ws);
  tcp_layer.expires_after(connect_timeout);
  bool done = false;
  tcp_layer.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  d.run_until([&] { return done; }, connect_timeout + std::chrono::seconds(1));
  if (!done || ec) {
    const std::string why = done ? ec.message() : "timed out";
    d.drop();
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + why);
  }
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);

  d.ws->set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "mltrainer");
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  websocket::response_type res;
  done = false;
  tcp_layer.expires_after(connect_timeout);
  d.ws->async_handshake(res, host + ":" + std::to_string(port), path, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  d.run_until([&] { return done; }, connect_timeout + std::chrono::seconds(1));
  if (!done || ec) {
    std::string why;
    if (!done) {
      why = "handshake timed out";
    } else if (ec == websocket::error::upgrade_declined) {
      why = "handshake rejected with HTTP " + std::to_string(res.result_int()) + " (" +
            std::string(res.reason()) + ")";
    } else {
      why = "handshake failed: " + ec.message();
    }
    d.drop();
    throw std::runtime_error("websocket " + where + ": " + why);
  }
  // From here on read() enforces its own timeouts.
  tcp_layer.expires_never();
  d.ws->text(true);
  d.open = true;
}

void ws_client::send(const std::string& text) {
  auto& d = *impl_;
  if (!d.open) throw std::runtime_error("websocket send: not connected");
  bool done = false;
  beast::error_code ec;
  d.ws->async_write(asio::buffer(text), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  // A write finishes once the kernel takes the bytes; a pending read may complete meanwhile.
  while (!done) {
    if (d.ioc.stopped()) d.ioc.restart();
    d.ioc.run_one();
  }
  if (ec) {
    const std::string why = ec.message() + d.close_reason();
    d.drop();
    throw std::runtime_error("websocket send failed: " + why);
  }
}

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  auto& d = *impl_;
  if (!d.open) throw std::runtime_error("websocket read: not connected");
  if (!d.read_pending) d.start_read();
  if (!d.run_until([&] { return d.read_done; }, timeout)) return std::nullopt;
  d.read_pending = false;
  if (d.read_ec) {
    const bool closed = d.read_ec == websocket::error::closed;
    const std::string why = (closed ? std::string("closed by server") : d.read_ec.message()) + d.close_reason();
    d.drop();
    throw std::runtime_error("websocket read: " + why);
  }
  std::string text = beast::buffers_to_string(d.buffer.data());
  d.buffer.consume(d.buffer.size());
  return text;
}

void ws_client::close() {
  auto& d = *impl_;
  if (!d.open) return;
  bool done = false;
  d.ws->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  // A pending read ends with "closed" when the server answers the close frame.
  d.run_until([&] { return done && (!d.read_pending || d.read_done); }, close_timeout);
  d.drop();
}

bool ws_client::is_open() const { return impl_->open && impl_->ws && impl_->ws->is_open(); }

bool parse_ws_url(const std::string& url, std::string& host, std::uint16_t& port, std::string& path) {
  constexpr std::string_view scheme = "ws://";
  if (url.compare(0, scheme.size(), scheme) != 0) return false;
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find_first_of("/?");
  const std::string authority = rest.substr(0, slash);
  std::string p = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!p.empty() && p.front() == '?') p = "/" + p;

  std::string h;
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return false;
    h = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port_text = after.substr(1);
      if (port_text.empty()) return false;
    }
  } else {
    const auto colon = authority.find(':');
    h = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return false;
    }
  }
  if (h.empty()) return false;
  unsigned long value = 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return false;
    for (char c : port_text)
      if (c < '0' || c > '9') return false;
    value = std::stoul(port_text);
    if (value == 0 || value > 65535) return false;
  }
  host = h;
  port = static_cast<std::uint16_t>(value);
  path = p;
  return true;
}

}  // namespace mlt::net
