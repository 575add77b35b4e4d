#pragma once
/// A reusable synchronous HTTP/1.1 client (http:// and https://) for remote
/// services: Polygon, Anthropic, OpenAI-compatible servers.
///
/// HTTPS verifies the server certificate against the system store (or a
/// given CA file) and the host name, and sends SNI. Every request has one
/// deadline covering resolve, connect, TLS handshake, write and the whole
/// response. Errors are http_error exceptions whose text names the redacted
/// URL and what failed; secrets in the query (apiKey, api_key, token, key)
/// never appear in them.

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mlt::net {

using http_headers = std::vector<std::pair<std::string, std::string>>;

/// One request.
struct http_request {
  std::string method = "GET";
  std::string url;                 ///< http://host[:port]/path?query or https://...
  http_headers headers;            ///< sent as given (Host and User-Agent are added when absent)
  std::string body;                ///< sent with Content-Length when non-empty
  std::chrono::milliseconds timeout{30000};  ///< whole-request deadline
};

/// One response; any status is a response, not an error.
struct http_response {
  int status = 0;
  http_headers headers;
  std::string body;
  /// Value of the first header named `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

/// Why a request produced no response.
enum class http_failure { bad_url, resolve, connect, tls, timeout, io, truncated, too_large };

/// A request that produced no response; what() is safe to show and log.
struct http_error : std::runtime_error {
  http_error(http_failure kind, const std::string& text) : std::runtime_error(text), kind(kind) {}
  http_failure kind;
};

/// Client settings.
struct http_client_options {
  std::string ca_file;             ///< extra PEM CA bundle; empty = system store only
  std::size_t body_limit = 512u << 20;  ///< larger responses are http_failure::too_large
  std::string user_agent = "mltrainer/0.1";
};

/// Parts of an http(s) URL.
struct parsed_url {
  std::string scheme;   ///< "http" | "https"
  std::string host;
  std::string port;     ///< explicit or the scheme default
  std::string target;   ///< path and query, at least "/"
};

/// Splits an http(s) URL; false if malformed or another scheme.
bool parse_url(const std::string& url, parsed_url& out);

/// `url` with the values of apiKey, api_key, apikey, token, access_token and
/// key query parameters replaced by "***".
std::string redact_url(const std::string& url);

/// Synchronous client; one instance per thread (not thread-safe), reusable.
class http_client {
public:
  explicit http_client(http_client_options options = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Performs the request; throws http_error when no complete response arrives.
  http_response send(const http_request& request);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mlt::net
