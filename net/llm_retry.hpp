#pragma once
/// The HTTP side shared by the LLM clients: one POST with retries of
/// 429/529/5xx (Retry-After honoured up to a cap, else exponential backoff
/// with small jitter), all within one time budget, and error texts that name
/// the service and the API's own message but never the key.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "net/llm_client.hpp"

namespace mlt::net {

/// The error an API put in a non-2xx body, from either vendor's format
/// ({"error":{"type","message","code"}}, {"error":"..."}, {"message":"..."}).
struct llm_api_error {
  std::string type;     ///< "rate_limit_error", "invalid_request_error", ...
  std::string code;     ///< OpenAI's "code" ("insufficient_quota", ...)
  std::string message;  ///< the API's message, or the start of a non-JSON body
};

/// Reads an error body; never throws.
llm_api_error parse_llm_api_error(std::string_view body);

/// `base_url` without trailing slashes and with "/v1" appended unless it
/// already ends in "/v1".
std::string llm_v1_base(std::string base_url);

/// Who is called and how; fixed for one client.
struct llm_endpoint {
  std::string service;   ///< "Anthropic", "OpenAI", ... (starts error texts)
  std::string key_env;   ///< the variable a person sets the key in
  std::string api_key;   ///< only to scrub it from every text
  int max_retries = 3;
  std::chrono::milliseconds max_backoff{8000};
  std::string ca_file;
};

/// POSTs JSON with the retry and budget rules; one instance per client.
class llm_transport {
public:
  explicit llm_transport(llm_endpoint endpoint);

  /// Returns a 2xx response; `retries` counts the retries taken. Throws
  /// llm_error (auth, bad_request, rate_limited, overloaded, server,
  /// timeout, transport).
  http_response post(const std::string& url, const http_headers& headers, const std::string& body,
                     std::chrono::milliseconds budget, int& retries);

  /// Throws llm_error with `text` scrubbed of the key.
  [[noreturn]] void fail(llm_failure kind, int status, const std::string& text) const;

  const llm_endpoint& endpoint() const { return endpoint_; }

private:
  std::string scrub(std::string text) const;
  std::chrono::milliseconds backoff(int attempt);

  llm_endpoint endpoint_;
  http_client http_;
  std::uint64_t jitter_state_;
};

}  // namespace mlt::net
