#include "net/llm_retry.hpp"
#include "net/llm_replies.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace mlt::net {

namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Long error texts (HTML pages from proxies) are cut so a log line stays readable.
std::string one_line(std::string_view s, std::size_t limit) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= limit) {
      out += "...";
      break;
    }
  }
  return out;
}

std::string seconds_text(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

std::string attempts_text(int attempts) {
  return attempts == 1 ? std::string(" after 1 attempt") : " after " + std::to_string(attempts) + " attempts";
}

// Wait the server asked for: retry-after-ms (what the vendors' SDKs read
// first), else Retry-After in seconds; -1 when absent or an HTTP date.
std::int64_t requested_wait_ms(const http_response& res) {
  auto number = [](const std::string& text, double& out) {
    if (text.empty() || text.size() > 15) return false;
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end && *end == '\0' && std::isfinite(out) && out >= 0;
  };
  double v = 0;
  if (number(res.header("retry-after-ms"), v)) return static_cast<std::int64_t>(v);
  if (number(res.header("Retry-After"), v)) return static_cast<std::int64_t>(v * 1000.0);
  return -1;
}

bool retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 || status == 529;
}

}  // namespace

llm_api_error parse_llm_api_error(std::string_view body) {
  llm_api_error out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(body)).get(doc) || !doc.is_object()) {
    out.message = one_line(body, 300);
    return out;
  }
  auto text_of = [](simdjson::dom::element e, const char* key) {
    std::string_view s;
    if (e.is_object() && !e[key].get(s)) return std::string(s);
    return std::string();
  };
  simdjson::dom::element err;
  if (!doc["error"].get(err)) {
    std::string_view s;
    if (!err.get(s)) {
      out.message = one_line(s, 300);
    } else {
      out.type = text_of(err, "type");
      out.code = text_of(err, "code");
      out.message = one_line(text_of(err, "message"), 300);
    }
  }
  if (out.message.empty()) out.message = one_line(text_of(doc, "message"), 300);
  if (out.message.empty()) out.message = one_line(text_of(doc, "detail"), 300);
  return out;
}

std::string llm_v1_base(std::string base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  const std::string v1 = "/v1";
  if (base_url.size() < v1.size() || base_url.compare(base_url.size() - v1.size(), v1.size(), v1) != 0)
    base_url += v1;
  return base_url;
}

llm_transport::llm_transport(llm_endpoint endpoint)
    : endpoint_(std::move(endpoint)),
      http_(http_client_options{endpoint_.ca_file, 64u << 20, "mltrainer/0.1"}),
      jitter_state_(0x9e3779b97f4a7c15ULL) {}

std::string llm_transport::scrub(std::string text) const {
  const std::string& key = endpoint_.api_key;
  if (key.size() >= 4)
    for (std::size_t p = text.find(key); p != std::string::npos; p = text.find(key, p))
      text.replace(p, key.size(), "***");
  return text;
}

void llm_transport::fail(llm_failure kind, int status, const std::string& text) const {
  throw llm_error(kind, status, scrub(text));
}

// Exponential from 500 ms, capped, times a jitter factor in [0.75, 1] so
// many clients do not retry in lock step.
milliseconds llm_transport::backoff(int attempt) {
  std::uint64_t z = (jitter_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  double unit = static_cast<double>(z >> 11) / 9007199254740992.0;
  double d = 500.0 * std::ldexp(1.0, std::min(attempt, 20));
  d = std::min(d, static_cast<double>(endpoint_.max_backoff.count()));
  return milliseconds(static_cast<std::int64_t>(d * (0.75 + 0.25 * unit)));
}

namespace {

// 401 and 403: the key is missing, rejected or denied access. Throws.
[[noreturn]] void fail_auth(const llm_transport& t, int status, const std::string& detail) {
  const llm_endpoint& ep = t.endpoint();
  if (ep.api_key.empty())
    t.fail(llm_failure::auth, status, ep.service + " requires an API key and none is set " + detail + "; set " + ep.key_env);
  t.fail(llm_failure::auth, status,
         ep.service + (status == 401 ? " rejected the API key " : " denied the API key access ") + detail +
             "; check " + ep.key_env);
}

// Any other answer outside 2xx: which failure it is, and the words for it.
std::pair<llm_failure, std::string> refusal_of(const http_response& res, const std::string& api_type, bool quota,
                                               const std::string& service, const std::string& detail) {
  if (res.status == 429 && api_type == "overloaded_error")
    return {llm_failure::overloaded, service + " is overloaded " + detail};
  if (res.status == 429)
    return {llm_failure::rate_limited,
            service + (quota ? " refused the request: the account's quota is used up " : " rate-limited the request ") +
                detail};
  if (res.status == 529 || res.status == 503) return {llm_failure::overloaded, service + " is overloaded " + detail};
  if (res.status >= 500 && res.status <= 599) return {llm_failure::server, service + " had a server error " + detail};
  if (res.status >= 400 && res.status <= 499) return {llm_failure::bad_request, service + " refused the request " + detail};
  std::string location = res.header("Location");
  return {llm_failure::bad_request,
          service + " answered with unexpected HTTP " + std::to_string(res.status) +
              (location.empty() ? std::string() : " (to " + redact_url(location) + ")") + "; check the base URL"};
}

}  // namespace

http_response llm_transport::post(const std::string& url, const http_headers& headers, const std::string& body,
                                   milliseconds budget, int& retries) {
  const std::string& service = endpoint_.service;
  const auto deadline = steady::now() + budget;
  http_request req;
  req.method = "POST";
  req.url = url;
  req.headers = headers;
  req.body = body;
  retries = 0;
  for (int attempt = 1;; ++attempt) {
    const bool can_retry = attempt <= endpoint_.max_retries;
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - steady::now());
    if (remaining.count() <= 0)
      fail(llm_failure::timeout, 0,
           service + " did not answer within the " + seconds_text(budget) + " budget" +
               (attempt > 1 ? attempts_text(attempt - 1) : std::string()));
    req.timeout = remaining;

    http_response res;
    try {
      res = http_.send(req);
    } catch (const http_error& e) {
      if (e.kind == http_failure::timeout)
        fail(llm_failure::timeout, 0,
             service + " did not answer within the " + seconds_text(budget) + " budget" +
                 (attempt > 1 ? attempts_text(attempt) : std::string()) + " (" + e.what() + ")");
      // A refused connection never reached the service, so trying again is free.
      if (e.kind == http_failure::connect && can_retry) {
        milliseconds wait = backoff(attempt - 1);
        if (steady::now() + wait < deadline) {
          std::this_thread::sleep_for(wait);
          ++retries;
          continue;
        }
      }
      fail(llm_failure::transport, 0, service + ": " + e.what());
    }
    if (res.status >= 200 && res.status <= 299) return res;

    const llm_api_error api = parse_llm_api_error(res.body);
    const std::string detail = "(" + std::to_string(res.status) + (api.type.empty() ? "" : " " + api.type) +
                               (api.message.empty() ? "" : ": " + api.message) + ")";
    if (res.status == 401 || res.status == 403) fail_auth(*this, res.status, detail);

    const bool quota = api.type == "insufficient_quota" || api.code == "insufficient_quota";
    const auto [kind, what] = refusal_of(res, api.type, quota, service, detail);

    if (!retryable_status(res.status) || quota) fail(kind, res.status, what);
    if (!can_retry) fail(kind, res.status, what + attempts_text(attempt));
    std::int64_t asked = requested_wait_ms(res);
    milliseconds wait = asked >= 0 ? std::min(milliseconds(asked), endpoint_.max_backoff) : backoff(attempt - 1);
    if (steady::now() + wait >= deadline)
      fail(kind, res.status,
           what + attempts_text(attempt) + "; the " + seconds_text(budget) + " budget leaves no time to retry");
    std::this_thread::sleep_for(wait);
    ++retries;
  }
}

void malformed_reply(const llm_transport& transport, int status, const std::string& why) {
  transport.fail(llm_failure::malformed, status, transport.endpoint().service + " reply is malformed: " + why);
}

simdjson::dom::element reply_object(simdjson::dom::parser& parser, const http_response& res,
                                    const llm_transport& transport) {
  simdjson::dom::element doc;
  if (auto error = parser.parse(res.body).get(doc))
    malformed_reply(transport, res.status, std::string("not JSON (") + simdjson::error_message(error) + ")");
  if (!doc.is_object()) malformed_reply(transport, res.status, "not a JSON object");
  return doc;
}

}  // namespace mlt::net
