#include "net/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace mlt::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool secret_param(const std::string& name) {
  static const char* names[] = {"apikey", "api_key", "token", "access_token", "key", "api-key"};
  std::string n = lower(name);
  return std::any_of(std::begin(names), std::end(names), [&](const char* s) { return n == s; });
}

// Runs one asynchronous step until it completes or the deadline passes; on
// timeout `cancel` aborts the operation and the handler is drained.
template <class Start, class Cancel>
bool run_step(asio::io_context& ioc, clock_type::time_point deadline, Start start, Cancel cancel) {
  bool done = false;
  start(done);
  ioc.restart();
  ioc.run_until(deadline);
  if (done) return true;
  cancel();
  ioc.restart();
  ioc.run();
  return false;
}

}  // namespace

std::string http_response::header(const std::string& name) const {
  std::string n = lower(name);
  for (const auto& h : headers)
    if (lower(h.first) == n) return h.second;
  return {};
}

bool parse_url(const std::string& url, parsed_url& out) {
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;  // no header injection
  std::size_t sep = url.find("://");
  if (sep == std::string::npos) return false;
  out.scheme = lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return false;
  std::size_t host_begin = sep + 3;
  std::size_t path_begin = url.find_first_of("/?#", host_begin);
  if (path_begin == std::string::npos) path_begin = url.size();
  std::string authority = url.substr(host_begin, path_begin - host_begin);
  if (authority.empty() || authority.find('@') != std::string::npos) return false;
  std::string port;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port = authority.substr(close + 2);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return false;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    if (std::stoi(port) < 1 || std::stoi(port) > 65535) return false;
  }
  out.port = port.empty() ? (out.scheme == "https" ? "443" : "80") : port;
  std::string rest = url.substr(path_begin);
  std::size_t hash = rest.find('#');
  if (hash != std::string::npos) rest.erase(hash);
  if (rest.empty() || rest.front() != '/') rest.insert(rest.begin(), '/');
  out.target = rest;
  return true;
}

std::string redact_url(const std::string& url) {
  std::size_t q = url.find('?');
  if (q == std::string::npos) return url;
  std::string out = url.substr(0, q + 1);
  std::size_t pos = q + 1;
  while (pos <= url.size()) {
    std::size_t amp = url.find_first_of("&#", pos);
    if (amp == std::string::npos) amp = url.size();
    std::string param = url.substr(pos, amp - pos);
    std::size_t eq = param.find('=');
    if (eq != std::string::npos && secret_param(param.substr(0, eq))) param = param.substr(0, eq + 1) + "***";
    out += param;
    if (amp >= url.size()) break;
    if (url[amp] == '#') {
      out += url.substr(amp);
      break;
    }
    out += '&';
    pos = amp + 1;
  }
  return out;
}

struct http_client::impl {
  http_client_options options;
  asio::io_context ioc;
  std::optional<ssl::context> tls;

  ssl::context& tls_context() {
    if (!tls) {
      tls.emplace(ssl::context::tls_client);
      SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
      tls->set_default_verify_paths();
      if (!options.ca_file.empty()) tls->load_verify_file(options.ca_file);
      tls->set_verify_mode(ssl::verify_peer);
    }
    return *tls;
  }

  template <class Stream>
  http_response exchange(Stream& stream, const parsed_url& u, const http_request& req,
                         clock_type::time_point deadline, const std::string& where) {
    auto& socket = beast::get_lowest_layer(stream);
    auto abort = [&] {
      beast::error_code ignored;
      socket.socket().close(ignored);
    };
    auto timeout = [&](const char* phase) {
      return http_error(http_failure::timeout, where + ": timed out after " +
                                                   std::to_string(req.timeout.count()) + " ms (" + phase + ")");
    };

    http::verb verb = http::string_to_verb(req.method);
    if (verb == http::verb::unknown) throw http_error(http_failure::bad_url, where + ": unsupported method");
    http::request<http::string_body> msg{verb, u.target, 11};
    bool default_port = (u.scheme == "https" && u.port == "443") || (u.scheme == "http" && u.port == "80");
    std::string host_header = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    msg.set(http::field::host, default_port ? host_header : host_header + ":" + u.port);
    msg.set(http::field::user_agent, options.user_agent);
    for (const auto& h : req.headers) msg.set(h.first, h.second);
    if (!req.body.empty() || verb == http::verb::post || verb == http::verb::put) {
      msg.body() = req.body;
      msg.prepare_payload();
    }

    beast::error_code ec;
    if (!run_step(ioc, deadline,
                  [&](bool& done) {
                    http::async_write(stream, msg, [&](beast::error_code e, std::size_t) {
                      ec = e;
                      done = true;
                    });
                  },
                  abort))
      throw timeout("sending the request");
    if (ec) throw http_error(http_failure::io, where + ": sending the request failed: " + ec.message());

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(64 * 1024);
    if (!run_step(ioc, deadline,
                  [&](bool& done) {
                    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) {
                      ec = e;
                      done = true;
                    });
                  },
                  abort))
      throw timeout("waiting for the response");
    if (ec == http::error::body_limit)
      throw http_error(http_failure::too_large, where + ": response body exceeds " +
                                                    std::to_string(options.body_limit) + " bytes");
    if (ec == http::error::partial_message || (ec == http::error::end_of_stream && parser.got_some()) ||
        (ec && parser.is_header_done()))
      throw http_error(http_failure::truncated,
                       where + ": the connection closed before the response was complete (truncated body)");
    if (ec == http::error::end_of_stream)
      throw http_error(http_failure::io, where + ": the server closed the connection without responding");
    if (ec) throw http_error(http_failure::io, where + ": reading the response failed: " + ec.message());

    auto res = parser.release();
    http_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    abort();
    return out;
  }

  template <class Stream>
  void connect(Stream& stream, const parsed_url& u, const http_request& req, clock_type::time_point deadline,
               const std::string& where) {
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    beast::error_code ec;
    if (!run_step(ioc, deadline,
                  [&](bool& done) {
                    resolver.async_resolve(u.host, u.port, [&](beast::error_code e, tcp::resolver::results_type r) {
                      ec = e;
                      endpoints = std::move(r);
                      done = true;
                    });
                  },
                  [&] { resolver.cancel(); }))
      throw http_error(http_failure::timeout, where + ": timed out after " + std::to_string(req.timeout.count()) +
                                                  " ms (resolving " + u.host + ")");
    if (ec) throw http_error(http_failure::resolve, where + ": cannot resolve " + u.host + ": " + ec.message());
    auto& lowest = beast::get_lowest_layer(stream);
    if (!run_step(ioc, deadline,
                  [&](bool& done) {
                    lowest.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
                      ec = e;
                      done = true;
                    });
                  },
                  [&] { lowest.cancel(); }))
      throw http_error(http_failure::timeout, where + ": timed out after " + std::to_string(req.timeout.count()) +
                                                  " ms (connecting)");
    if (ec)
      throw http_error(http_failure::connect,
                       where + ": cannot connect to " + u.host + ":" + u.port + ": " + ec.message());
    lowest.socket().set_option(tcp::no_delay(true), ec);
  }
};

http_client::http_client(http_client_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
}

http_client::~http_client() = default;

http_response http_client::send(const http_request& req) {
  parsed_url u;
  if (!parse_url(req.url, u))
    throw http_error(http_failure::bad_url, "malformed or unsupported URL " + redact_url(req.url));
  const std::string where = req.method + " " + redact_url(req.url);
  const auto deadline = clock_type::now() + req.timeout;
  impl& m = *impl_;
  if (u.scheme == "http") {
    beast::tcp_stream stream(m.ioc);
    m.connect(stream, u, req, deadline, where);
    return m.exchange(stream, u, req, deadline, where);
  }
  ssl::context* ctx = nullptr;
  try {
    ctx = &m.tls_context();
  } catch (const boost::system::system_error& e) {
    m.tls.reset();
    throw http_error(http_failure::tls, where + ": cannot set up TLS: " + std::string(e.what()));
  }
  beast::ssl_stream<beast::tcp_stream> stream(m.ioc, *ctx);
  // SNI (host names only; RFC 6066 forbids IP literals), and the
  // certificate must name the host either way.
  boost::system::error_code not_ip;
  asio::ip::make_address(u.host, not_ip);
  if (not_ip && !SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str()))
    throw http_error(http_failure::tls, where + ": cannot set the TLS server name");
  stream.set_verify_callback(ssl::host_name_verification(u.host));
  m.connect(stream, u, req, deadline, where);
  beast::error_code ec;
  if (!run_step(m.ioc, deadline,
                [&](bool& done) {
                  stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) {
                    ec = e;
                    done = true;
                  });
                },
                [&] {
                  beast::error_code ignored;
                  beast::get_lowest_layer(stream).socket().close(ignored);
                }))
    throw http_error(http_failure::timeout, where + ": timed out after " + std::to_string(req.timeout.count()) +
                                                " ms (TLS handshake)");
  if (ec) throw http_error(http_failure::tls, where + ": TLS handshake with " + u.host + " failed: " + ec.message());
  return m.exchange(stream, u, req, deadline, where);
}

}  // namespace mlt::net
