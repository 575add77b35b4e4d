#include "net/server/http_session.hpp"

#include "net/server/auth.hpp"
#include "net/server/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cctype>
#include <chrono>
#include <exception>

namespace mlt::net::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

constexpr auto idle_timeout = std::chrono::seconds(30);

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string json_error(int status, std::string_view message) {
  return "{\"error\":{\"status\":" + std::to_string(status) + ",\"message\":\"" +
         std::string(message) + "\"}}";
}

}  // namespace

http_session::http_session(asio::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : stream_(std::move(socket)), state_(std::move(state)) {}

void http_session::run() {
  // Start on the connection's strand.
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(state_->options().max_http_body_bytes);
  stream_.expires_after(idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit) {
    return reply(413, json_error(413, "request body too large"), false, nullptr);
  }
  if (ec) return fail(ec, "http read");

  request_type req = parser_->release();
  if (beast::websocket::is_upgrade(req)) return handle_upgrade(std::move(req));
  handle_http(req);
}

void http_session::refused(int status) {
  const auto& on_refused = state_->handlers().on_refused;
  if (!on_refused) return;
  beast::error_code ec;
  const auto ep = stream_.socket().remote_endpoint(ec);
  on_refused(status, ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port()));
}

void http_session::handle_upgrade(request_type&& req) {
  const auto& opts = state_->options();
  const std::string_view target(req.target().data(), req.target().size());
  if (target_path(target) != "/ws") {
    refused(404);
    return reply(404, json_error(404, "not found"), false, &req);
  }

  const auto auth = req.find(http::field::authorization);
  const std::string_view auth_value =
      auth == req.end() ? std::string_view{} : std::string_view(auth->value().data(), auth->value().size());
  if (!token_accepted(opts.tokens, auth_value, target)) {
    refused(401);
    return reply(401, json_error(401, "a valid bearer token is required"), false, &req);
  }
  const auto origin = req.find(http::field::origin);
  const bool has_origin = origin != req.end();
  const std::string_view origin_value =
      has_origin ? std::string_view(origin->value().data(), origin->value().size()) : std::string_view{};
  if (!origin_accepted(opts.allowed_origins, has_origin, origin_value)) {
    refused(403);
    return reply(403, json_error(403, "origin not allowed: add the address the page is opened at (e.g. http://HOST:PORT) to server.allowed_origins in the daemon's config"), false, &req);
  }
  std::make_shared<websocket_session>(stream_.release_socket(), state_)->run(std::move(req));
}

void http_session::handle_http(const request_type& req) {
  const std::string_view target(req.target().data(), req.target().size());
  server_request in;
  in.method = std::string(req.method_string());
  in.target = strip_token(target);
  std::string_view auth_value;
  for (const auto& field : req) {
    std::string name = lower(field.name_string());
    const std::string_view value(field.value().data(), field.value().size());
    // The server decides authentication; the secret itself goes no further.
    if (name == "authorization") {
      auth_value = value;
      continue;
    }
    auto [it, inserted] = in.headers.emplace(std::move(name), std::string(value));
    if (!inserted) it->second.append(", ").append(value);
  }
  in.body = req.body();
  in.authenticated = token_accepted(state_->options().tokens, auth_value, target);

  const auto& on_http = state_->handlers().on_http;
  if (!on_http) return reply(404, json_error(404, "not found"), req.keep_alive(), &req);

  server_response out;
  try {
    out = on_http(in);
  } catch (const std::exception& e) {
    state_->log("http handler failed for " + in.method + " " + std::string(target_path(in.target)) +
                ": " + e.what());
    return reply(500, json_error(500, "internal error"), req.keep_alive(), &req);
  }

  response_type res{static_cast<http::status>(out.status), req.version()};
  res.set(http::field::server, "mltrainerd");
  res.set(http::field::content_type, out.content_type);
  for (const auto& [name, value] : out.headers) res.set(name, value);
  res.keep_alive(req.keep_alive());
  if (req.method() == http::verb::head) {
    // HEAD: the length of the body a GET would have returned, no body.
    res.content_length(out.body.size());
  } else {
    res.body() = std::move(out.body);
    res.prepare_payload();
  }
  write(std::move(res));
}

void http_session::reply(int status, const std::string& text, bool keep_alive, const request_type* req) {
  response_type res{static_cast<http::status>(status), req ? req->version() : 11u};
  res.set(http::field::server, "mltrainerd");
  res.set(http::field::content_type, "application/json");
  if (status == 401) res.set(http::field::www_authenticate, "Bearer");
  res.keep_alive(keep_alive);
  if (req && req->method() == http::verb::head) {
    res.content_length(text.size());
  } else {
    res.body() = text;
    res.prepare_payload();
  }
  write(std::move(res));
}

void http_session::write(response_type&& res) {
  response_ = std::make_shared<response_type>(std::move(res));
  const bool close = response_->need_eof();
  stream_.expires_after(idle_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), close));
}

void http_session::on_write(bool close, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http write");
  response_.reset();
  if (close) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

void http_session::fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout) return;
  if (ec == asio::error::connection_reset || ec == asio::error::eof) return;
  state_->log(std::string(what) + ": " + ec.message());
}

}  // namespace mlt::net::detail
