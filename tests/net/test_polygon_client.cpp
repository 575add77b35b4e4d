#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "loopback_http_server.hpp"
#include "ml/market/calendar.hpp"
#include "net/polygon_client.hpp"

using namespace mlt::net;
using mlt::test::json_reply;
using mlt::test::loopback_http_server;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

const std::string key = "PK_TEST_5ECRET_KEY_42";

// One business day's bar per index, in Polygon's wire format (t = midnight New York).
std::string agg(int i) {
  std::int64_t day = mlt::ml::days_from_civil(2023, 1, 2) + i;
  std::int64_t t_ms = (day * 86400 + 5 * 3600) * 1000;
  double o = 100 + i, c = 100.5 + i;
  return "{\"v\":" + std::to_string(70790813 + i) + ",\"vw\":131.6292,\"o\":" + std::to_string(o) +
         ",\"c\":" + std::to_string(c) + ",\"h\":" + std::to_string(c + 1) + ",\"l\":" + std::to_string(o - 1) +
         ",\"t\":" + std::to_string(t_ms) + ",\"n\":645365}";
}

std::string page(int first, int count, const std::string& next_url = "", const std::string& status = "OK") {
  std::string results;
  for (int i = first; i < first + count; ++i) results += (i > first ? "," : "") + agg(i);
  std::string out = "{\"ticker\":\"AAPL\",\"queryCount\":" + std::to_string(count) +
                    ",\"resultsCount\":" + std::to_string(count) + ",\"adjusted\":true,\"results\":[" + results +
                    "],\"status\":\"" + status + "\",\"request_id\":\"6a7e466379af0a71039d60cc78e72282\",\"count\":" +
                    std::to_string(count);
  if (!next_url.empty()) out += ",\"next_url\":\"" + next_url + "\"";
  return out + "}";
}


struct recorder {
  std::mutex m;
  std::vector<std::chrono::milliseconds> sleeps;
};

polygon_config config_for(const loopback_http_server& server, recorder& rec) {
  polygon_config c;
  c.api_key = key;
  c.base_url = server.base_url();
  c.timeout = std::chrono::milliseconds(2000);
  c.max_retries = 3;
  c.backoff_base = std::chrono::milliseconds(100);
  c.backoff_max = std::chrono::milliseconds(1000);
  c.sleep = [&rec](std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(rec.m);
    rec.sleeps.push_back(d);
  };
  return c;
}

polygon_query query() {
  polygon_query q;
  q.ticker = "AAPL";
  q.from = "2023-01-01";
  q.to = "2023-12-31";
  return q;
}

std::string error_of(polygon_client& client) {
  try {
    client.fetch(query());
  } catch (const mlt::ml::data_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("polygon client follows next_url pagination and sends the documented query", "[net][polygon]") {
  std::string base;
  loopback_http_server server([&](const loopback_request& r) {
    if (r.target.find("cursor=p2") != std::string::npos) return json_reply(page(3, 3, base + "/v2/aggs/ticker/AAPL/range/1/day/2023-01-01/2023-12-31?cursor=p3"));
    if (r.target.find("cursor=p3") != std::string::npos) return json_reply(page(6, 2));
    return json_reply(page(0, 3, base + "/v2/aggs/ticker/AAPL/range/1/day/2023-01-01/2023-12-31?cursor=p2"));
  });
  base = server.base_url();
  recorder rec;
  polygon_client client(config_for(server, rec));
  std::vector<double> fractions;
  std::vector<std::string> lines;
  auto bars = client.fetch(query(), [&](double f, const std::string& text) {
    fractions.push_back(f);
    lines.push_back(text);
  });
  REQUIRE(bars.size() == 8);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    CHECK(bars[i].open == Approx(100 + static_cast<double>(i)));
    CHECK(bars[i].time % 86400 == 0);  // daily bars carry their date at 00:00 UTC
  }
  CHECK(mlt::ml::format_date(bars[0].time) == "2023-01-02");
  CHECK(bars[0].volume == 70790813);
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].target == "/v2/aggs/ticker/AAPL/range/1/day/2023-01-01/2023-12-31?adjusted=true&sort=asc&limit=50000&apiKey=" + key);
  CHECK(reqs[1].target.find("cursor=p2&apiKey=" + key) != std::string::npos);
  CHECK(reqs[2].target.find("cursor=p3&apiKey=" + key) != std::string::npos);
  REQUIRE(fractions.size() == 3);
  CHECK(fractions[0] < fractions[1]);
  for (const auto& l : lines) CHECK(l.find(key) == std::string::npos);
}

TEST_CASE("polygon client honours Retry-After on 429, then succeeds", "[net][polygon]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    if (calls++ == 0) {
      loopback_reply r = json_reply("{\"status\":\"ERROR\",\"error\":\"You've exceeded the maximum requests per minute\"}", 429);
      r.headers.emplace_back("Retry-After", "7");
      return r;
    }
    return json_reply(page(0, 5));
  });
  recorder rec;
  polygon_client client(config_for(server, rec));
  CHECK(client.fetch(query()).size() == 5);
  REQUIRE(rec.sleeps.size() == 1);
  CHECK(rec.sleeps[0] == std::chrono::milliseconds(7000));
}

TEST_CASE("polygon client backs off exponentially with bounded jitter on 429 without Retry-After", "[net][polygon]") {
  loopback_http_server server([&](const loopback_request&) { return json_reply("{}", 429); });
  recorder rec;
  polygon_client client(config_for(server, rec));
  std::string err = error_of(client);
  CHECK(err.find("rate limited") != std::string::npos);
  CHECK(err.find("AAPL") != std::string::npos);
  CHECK(err.find("2023-01-01 .. 2023-12-31") != std::string::npos);
  REQUIRE(rec.sleeps.size() == 3);
  // base 100 ms doubling, jitter in [d/2, d], capped at 1000 ms.
  CHECK(rec.sleeps[0].count() >= 50);
  CHECK(rec.sleeps[0].count() <= 100);
  CHECK(rec.sleeps[1].count() >= 100);
  CHECK(rec.sleeps[1].count() <= 200);
  CHECK(rec.sleeps[2].count() >= 200);
  CHECK(rec.sleeps[2].count() <= 400);
  CHECK(server.requests().size() == 4);
}

TEST_CASE("an overlong Retry-After is an error, not a silent hour-long wait", "[net][polygon]") {
  loopback_http_server server([&](const loopback_request&) {
    loopback_reply r = json_reply("{}", 429);
    r.headers.emplace_back("Retry-After", "3600");
    return r;
  });
  recorder rec;
  polygon_client client(config_for(server, rec));
  CHECK(error_of(client).find("Retry-After 3600 s") != std::string::npos);
  CHECK(rec.sleeps.empty());
}

TEST_CASE("polygon client retries a 500 and gives up after bounded retries", "[net][polygon]") {
  std::atomic<int> calls{0};
  loopback_http_server once([&](const loopback_request&) {
    return calls++ == 0 ? json_reply("oops", 500) : json_reply(page(0, 4));
  });
  recorder rec;
  polygon_client client(config_for(once, rec));
  CHECK(client.fetch(query()).size() == 4);
  CHECK(rec.sleeps.size() == 1);

  loopback_http_server always([&](const loopback_request&) { return json_reply("oops", 503); });
  recorder rec2;
  polygon_client client2(config_for(always, rec2));
  std::string err = error_of(client2);
  CHECK(err.find("HTTP 503 after 4 attempts") != std::string::npos);
  CHECK(always.requests().size() == 4);
}

TEST_CASE("a response slower than the timeout is retried, then reported", "[net][polygon]") {
  loopback_http_server server([&](const loopback_request&) {
    loopback_reply r = json_reply(page(0, 3));
    r.delay = std::chrono::milliseconds(5000);
    return r;
  });
  recorder rec;
  polygon_config c = config_for(server, rec);
  c.timeout = std::chrono::milliseconds(150);
  c.max_retries = 1;
  polygon_client client(c);
  std::string err = error_of(client);
  CHECK(err.find("timed out") != std::string::npos);
  CHECK(err.find("AAPL") != std::string::npos);
  CHECK(err.find(key) == std::string::npos);
  CHECK(err.find("apiKey=***") != std::string::npos);
  server.stop();
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a truncated body is an error naming ticker and range", "[net][polygon]") {
  SECTION("the connection drops mid-body") {
    loopback_http_server server([&](const loopback_request&) {
      loopback_reply r = json_reply(page(0, 50));
      r.truncate_at = r.body.size() / 2;
      return r;
    });
    recorder rec;
    polygon_client client(config_for(server, rec));
    std::string err = error_of(client);
    CHECK(err.find("truncated") != std::string::npos);
    CHECK(err.find("AAPL 1/day 2023-01-01 .. 2023-12-31") != std::string::npos);
  }
  SECTION("the JSON itself is cut short") {
    loopback_http_server server([&](const loopback_request&) {
      std::string body = page(0, 50);
      return json_reply(body.substr(0, body.size() / 2));
    });
    recorder rec;
    polygon_client client(config_for(server, rec));
    std::string err = error_of(client);
    CHECK(err.find("malformed or truncated JSON") != std::string::npos);
    CHECK(err.find("AAPL") != std::string::npos);
  }
  SECTION("a result lacks a field") {
    loopback_http_server server([&](const loopback_request&) {
      return json_reply("{\"status\":\"OK\",\"resultsCount\":1,\"results\":[{\"o\":1,\"h\":2,\"l\":1,\"t\":1672722000000}]}");
    });
    recorder rec;
    polygon_client client(config_for(server, rec));
    CHECK(error_of(client).find("lacks") != std::string::npos);
  }
}

TEST_CASE("resultsCount 0 is a clear error", "[net][polygon]") {
  loopback_http_server server([&](const loopback_request&) {
    return json_reply("{\"ticker\":\"AAPL\",\"queryCount\":0,\"resultsCount\":0,\"adjusted\":true,\"status\":\"OK\",\"request_id\":\"x\"}");
  });
  recorder rec;
  polygon_client client(config_for(server, rec));
  std::string err = error_of(client);
  CHECK(err.find("no bars") != std::string::npos);
  CHECK(err.find("AAPL 1/day 2023-01-01 .. 2023-12-31") != std::string::npos);
}

TEST_CASE("status other than OK and rejected keys are errors that never echo the key", "[net][polygon]") {
  SECTION("status ERROR with the key echoed by the server") {
    loopback_http_server server([&](const loopback_request&) {
      return json_reply("{\"status\":\"ERROR\",\"request_id\":\"x\",\"error\":\"Unknown API Key " + key + "\"}");
    });
    recorder rec;
    polygon_client client(config_for(server, rec));
    std::string err = error_of(client);
    CHECK(err.find("status 'ERROR'") != std::string::npos);
    CHECK(err.find("Unknown API Key") != std::string::npos);
    CHECK(err.find(key) == std::string::npos);
  }
  SECTION("HTTP 403 with Polygon's reason") {
    loopback_http_server server([&](const loopback_request&) {
      return json_reply("{\"status\":\"NOT_AUTHORIZED\",\"request_id\":\"x\",\"message\":\"You are not entitled to "
                        "this data. Please upgrade your plan (key " + key + ")\"}",
                        403);
    });
    recorder rec;
    polygon_client client(config_for(server, rec));
    std::string err = error_of(client);
    CHECK_THAT(err, Catch::Matchers::Contains("refused (HTTP 403: NOT_AUTHORIZED: You are not entitled to this data"));
    CHECK_THAT(err, Catch::Matchers::Contains("plan may not cover"));
    CHECK(err.find(key) == std::string::npos);
  }
  SECTION("HTTP 401 whose body is not JSON") {
    loopback_http_server server([&](const loopback_request&) { return json_reply("<html>denied</html>", 401); });
    recorder rec;
    polygon_client client(config_for(server, rec));
    std::string err = error_of(client);
    CHECK_THAT(err, Catch::Matchers::Contains("the API key was rejected (HTTP 401): check POLYGON_API_KEY"));
  }
}

TEST_CASE("next_url to another host is refused so the key never leaves the configured origin", "[net][polygon]") {
  loopback_http_server server([&](const loopback_request&) {
    return json_reply(page(0, 2, "https://evil.example.com/v2/aggs/ticker/AAPL/range/1/day/2023-01-01/2023-12-31?cursor=x"));
  });
  recorder rec;
  polygon_client client(config_for(server, rec));
  std::string err = error_of(client);
  CHECK(err.find("outside") != std::string::npos);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("attach_polygon lets load_bars fetch from the configured base URL", "[net][polygon]") {
  loopback_http_server server([&](const loopback_request&) { return json_reply(page(0, 150)); });
  mlt::ml::data_environment env;
  env.polygon_api_key = key;
  env.polygon_base_url = server.base_url();
  polygon_config defaults;
  defaults.max_retries = 0;
  attach_polygon(env, defaults);
  mlt::ml::data_request req;
  req.symbol = "AAPL";
  req.start = "2023-01-01";
  req.end = "2023-12-31";
  auto series = mlt::ml::load_bars(req, env);
  CHECK(series.source == "polygon");
  CHECK(series.bars.size() == 150);
  CHECK(series.origin.find(key) == std::string::npos);
}

TEST_CASE("load_bars through the cache asks Polygon only for days it does not have", "[net][polygon][cache]") {
  loopback_http_server server([&](const loopback_request& r) {
    // Serve bars for whatever range was asked: /v2/aggs/ticker/T/range/1/day/FROM/TO?...
    std::string path = r.target.substr(0, r.target.find('?'));
    std::string to = path.substr(path.rfind('/') + 1);
    path.erase(path.rfind('/'));
    std::string from = path.substr(path.rfind('/') + 1);
    std::int64_t f = 0, t = 0;
    mlt::ml::parse_datetime(from, f);
    mlt::ml::parse_datetime(to, t);
    std::string results;
    for (std::int64_t d = f / 86400; d <= t / 86400; ++d) {
      if (!mlt::ml::is_business_day(d)) continue;
      int i = static_cast<int>(d - mlt::ml::days_from_civil(2023, 1, 2));
      results += (results.empty() ? "" : ",") + agg(i);
    }
    return json_reply("{\"status\":\"OK\",\"resultsCount\":1,\"results\":[" + results + "]}");
  });
  std::string cache_dir = std::string(MLT_BINARY_DIR) + "/test-scratch/polygon_cache";
  std::filesystem::remove_all(cache_dir);
  mlt::ml::data_environment env;
  env.polygon_api_key = key;
  env.polygon_base_url = server.base_url();
  env.cache_dir = cache_dir;
  env.today = mlt::ml::time_from_civil(2024, 6, 1);
  attach_polygon(env);
  mlt::ml::data_request req;
  req.symbol = "AAPL";
  req.start = "2023-01-01";
  req.end = "2023-09-30";
  CHECK(mlt::ml::load_bars(req, env).bars.size() > 180);
  CHECK(server.requests().size() == 1);
  CHECK(mlt::ml::load_bars(req, env).bars.size() > 180);
  CHECK(server.requests().size() == 1);  // served from the cache
  req.end = "2023-12-31";
  auto series = mlt::ml::load_bars(req, env);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].target.find("/2023-10-01/2023-12-31?") != std::string::npos);
  CHECK(mlt::ml::format_date(series.bars.back().time) == "2023-12-29");
  CHECK(series.origin.find("from the cache") != std::string::npos);
  // The key is never written to disk.
  for (auto& e : std::filesystem::recursive_directory_iterator(cache_dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(bytes.find(key) == std::string::npos);
  }
  std::filesystem::remove_all(cache_dir);
}
