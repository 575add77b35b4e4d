#include "net/polygon_client.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <thread>

#include "ml/market/calendar.hpp"
#include "net/http_client.hpp"

namespace mlt::net {

namespace {

std::string encode_path_segment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string origin_of(const parsed_url& u) { return u.scheme + "://" + u.host + ":" + u.port; }

// Bounded exponential backoff with jitter in [d/2, d].
struct backoff {
  std::uint64_t state;
  double unit() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
  }
  std::chrono::milliseconds delay(const polygon_config& c, int attempt) {
    double d = static_cast<double>(c.backoff_base.count()) * std::ldexp(1.0, std::min(attempt, 30));
    d = std::min(d, static_cast<double>(c.backoff_max.count()));
    return std::chrono::milliseconds(static_cast<std::int64_t>(d * (0.5 + 0.5 * unit())));
  }
};

bool retryable(http_failure kind) {
  return kind == http_failure::timeout || kind == http_failure::connect || kind == http_failure::io ||
         kind == http_failure::truncated || kind == http_failure::resolve;
}

/// Retry-After in milliseconds when it is a number of seconds; -1 otherwise.
std::int64_t retry_after_ms(const std::string& value) {
  if (value.empty()) return -1;
  for (char c : value)
    if (c < '0' || c > '9') return -1;  // HTTP-date form: fall back to our backoff
  if (value.size() > 9) return -1;
  return std::stoll(value) * 1000;
}

}  // namespace

struct polygon_client::impl {
  polygon_config config;
  http_client http;
  aggs_parser parser;
  backoff jitter;
  parsed_url base;

  explicit impl(polygon_config c)
      : config(std::move(c)), http(http_client_options{config.ca_file, 512u << 20, "mltrainer/0.1"}),
        jitter{config.jitter_seed} {}

  // The key may never leave this class in any text.
  std::string scrub(std::string text) const {
    const std::string& key = config.api_key;
    if (key.size() >= 4)
      for (std::size_t p = text.find(key); p != std::string::npos; p = text.find(key, p))
        text.replace(p, key.size(), "***");
    return text;
  }

  [[noreturn]] void fail(const std::string& context, const std::string& what) const {
    throw ml::data_error(scrub("Polygon " + context + ": " + what));
  }

  // ": <status>: <message>" as Polygon's error body gives them, or "" when it
  // gives none: the person sees why ("You are not entitled to this data...").
  std::string reason_in(const std::string& body) {
    aggs_page said;
    std::vector<ml::bar> none;
    try {
      said = parser.parse(body, none, false);
    } catch (const std::runtime_error&) {
      return "";  // not Polygon's JSON (a proxy's page): the status alone
    }
    std::string out;
    for (const auto* part : {&said.status, &said.error_text})
      if (!part->empty()) out += ": " + *part;
    for (auto& c : out)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return out;
  }

  // Every retry waits first, so this is where retries are counted.
  void wait(std::chrono::milliseconds d) const {
    if (config.on_retry) config.on_retry();
    if (config.sleep) config.sleep(d);
    else std::this_thread::sleep_for(d);
  }

  http_response get(const std::string& url, const std::string& context) {
    http_request req;
    req.url = url;
    req.timeout = config.timeout;
    req.headers.emplace_back("Accept", "application/json");
    for (int attempt = 0;; ++attempt) {
      const bool can_retry = attempt < config.max_retries;
      http_response res;
      try {
        res = http.send(req);
      } catch (const http_error& e) {
        if (!retryable(e.kind) || !can_retry)
          fail(context, std::string(e.what()) + (attempt ? " (after " + std::to_string(attempt + 1) + " attempts)" : ""));
        wait(jitter.delay(config, attempt));
        continue;
      }
      if (res.status == 429) {
        if (!can_retry)
          fail(context, "rate limited (HTTP 429) after " + std::to_string(attempt + 1) + " attempts");
        std::int64_t ms = retry_after_ms(res.header("Retry-After"));
        if (ms > config.retry_after_max.count())
          fail(context, "rate limited (HTTP 429); Retry-After " + std::to_string(ms / 1000) +
                            " s exceeds the " + std::to_string(config.retry_after_max.count() / 1000) +
                            " s limit");
        wait(ms >= 0 ? std::chrono::milliseconds(ms) : jitter.delay(config, attempt));
        continue;
      }
      if (res.status >= 500 && res.status <= 599) {
        if (!can_retry)
          fail(context, "server error HTTP " + std::to_string(res.status) + " after " +
                            std::to_string(attempt + 1) + " attempts");
        wait(jitter.delay(config, attempt));
        continue;
      }
      return res;
    }
  }
};

polygon_client::polygon_client(polygon_config config) : impl_(std::make_unique<impl>(std::move(config))) {}
polygon_client::~polygon_client() = default;

std::vector<ml::bar> polygon_client::fetch(const polygon_query& q, const ml::data_progress& progress) {
  impl& m = *impl_;
  const std::string context = q.ticker + " " + std::to_string(q.multiplier) + "/" + q.timespan + " " + q.from +
                              " .. " + q.to;
  if (m.config.api_key.empty()) m.fail(context, "no API key (set POLYGON_API_KEY)");
  if (q.ticker.empty()) m.fail(context, "no ticker");
  if (q.timespan != "minute" && q.timespan != "hour" && q.timespan != "day" && q.timespan != "week")
    m.fail(context, "unsupported timespan '" + q.timespan + "'");
  std::int64_t from_t = 0, to_t = 0;
  if (!ml::parse_datetime(q.from, from_t) || !ml::parse_datetime(q.to, to_t) || from_t > to_t)
    m.fail(context, "invalid date range");
  std::string base = m.config.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!parse_url(base, m.base)) m.fail(context, "invalid base URL " + redact_url(base));

  std::string url = base + "/v2/aggs/ticker/" + encode_path_segment(q.ticker) + "/range/" +
                    std::to_string(q.multiplier) + "/" + q.timespan + "/" + q.from + "/" + q.to +
                    "?adjusted=" + (m.config.adjusted ? "true" : "false") +
                    "&sort=asc&limit=" + std::to_string(m.config.limit) + "&apiKey=" + m.config.api_key;
  const bool daily = q.timespan == "day" || q.timespan == "week";
  std::vector<ml::bar> bars;
  std::set<std::string> seen_pages;
  for (int page = 1;; ++page) {
    http_response res = m.get(url, context);
    if (res.status == 401)
      m.fail(context, "the API key was rejected (HTTP 401" + m.reason_in(res.body) +
                          "): check POLYGON_API_KEY, or say \"use csv\" or \"on synthetic data\"");
    if (res.status == 403)
      m.fail(context, "the request was refused (HTTP 403" + m.reason_in(res.body) +
                          "): the key's plan may not cover this data (range or timespan); check POLYGON_API_KEY "
                          "and the plan, or say \"use csv\" or \"on synthetic data\"");
    if (res.status != 200) m.fail(context, "unexpected HTTP " + std::to_string(res.status) + m.reason_in(res.body));
    aggs_page info;
    try {
      info = m.parser.parse(res.body, bars, daily);
    } catch (const std::runtime_error& e) {
      m.fail(context, std::string(e.what()) + " in page " + std::to_string(page));
    }
    if (info.status != "OK" && info.status != "DELAYED")
      m.fail(context, "status " + (info.status.empty() ? std::string("missing") : "'" + info.status + "'") +
                          (info.error_text.empty() ? "" : ": " + info.error_text));
    if (progress && !bars.empty()) {
      double span = static_cast<double>(to_t + ml::seconds_per_day - from_t);
      double frac = std::min(1.0, std::max(0.0, static_cast<double>(bars.back().time - from_t) / span));
      progress(frac, "Polygon " + q.ticker + ": " + std::to_string(bars.size()) + " bars up to " +
                         (daily ? ml::format_date(bars.back().time) : ml::format_datetime(bars.back().time)) +
                         " (page " + std::to_string(page) + ")");
    }
    if (info.next_url.empty()) break;
    parsed_url next;
    if (!parse_url(info.next_url, next) || origin_of(next) != origin_of(m.base))
      // Never send the key to a host we were not configured for.
      m.fail(context, "next_url points outside " + origin_of(m.base) + ": " + redact_url(info.next_url));
    if (!seen_pages.insert(info.next_url).second) m.fail(context, "next_url repeats (pagination loop)");
    url = info.next_url + (info.next_url.find('?') == std::string::npos ? "?" : "&") + "apiKey=" + m.config.api_key;
  }
  if (bars.empty()) m.fail(context, "no bars in this range (resultsCount 0)");
  return bars;
}

void attach_polygon(ml::data_environment& env, polygon_config defaults) {
  if (env.polygon_api_key.empty())
    if (const char* key = std::getenv("POLYGON_API_KEY")) env.polygon_api_key = key;
  if (const char* base = std::getenv("POLYGON_BASE_URL"))
    if (*base) env.polygon_base_url = base;
  polygon_config config = std::move(defaults);
  config.api_key = env.polygon_api_key;
  config.base_url = env.polygon_base_url;
  env.polygon_fetch = [config](const ml::remote_range& r, const ml::data_progress& progress) {
    polygon_client client(config);
    polygon_query q;
    q.ticker = r.symbol;
    q.timespan = r.timespan;
    q.from = ml::format_date(r.from);
    q.to = ml::format_date(r.to);
    return client.fetch(q, progress);
  };
}

}  // namespace mlt::net
