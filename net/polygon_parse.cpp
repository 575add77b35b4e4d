#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "net/polygon_client.hpp"

namespace mlt::net {

namespace od = simdjson::ondemand;

namespace {

constexpr std::int64_t seconds_per_day = 86400;
// Bar times beyond about 30,000 years either way are not market data (and
// would overflow the arithmetic below); found by tests/fuzz/fuzz_polygon.
constexpr std::int64_t max_abs_time_ms = 1'000'000'000'000'000;

[[noreturn]] void malformed(const char* what, simdjson::error_code err) {
  std::string text = std::string("malformed or truncated JSON (") + what + ")";
  if (err != simdjson::SUCCESS) text += ": " + std::string(simdjson::error_message(err));
  throw std::runtime_error(text);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// The key of a one-letter field such as "o", or 0 for anything longer.
inline char short_key(od::raw_json_string key) {
  const char* raw = key.raw();
  return raw[1] == '"' ? raw[0] : 0;
}

// A result's "t": Polygon sends integer milliseconds; a float such as
// 1.7e12 is tolerated.
std::int64_t read_time_ms(od::field& f) {
  simdjson::error_code err;
  std::int64_t t_ms = 0;
  if (f.value().get_int64().get(t_ms)) {
    double d = 0;
    if ((err = f.value().get_double().get(d))) malformed("'t' is not a number", err);
    // Checked before the cast: a huge double to int64 is undefined.
    if (!(std::fabs(d) <= max_abs_time_ms)) malformed("'t' is out of range", simdjson::SUCCESS);
    t_ms = static_cast<std::int64_t>(d);
  }
  if (t_ms > max_abs_time_ms || t_ms < -max_abs_time_ms)
    malformed("'t' is out of range", simdjson::SUCCESS);
  return t_ms;
}

// One result object as a bar; t, o, h, l and c are required.
ml::bar read_result(od::object& item, bool daily) {
  simdjson::error_code err;
  ml::bar b;
  unsigned seen = 0;
  std::int64_t t_ms = 0;
  for (auto f_result : item) {
    od::field f;
    if ((err = std::move(f_result).get(f))) malformed("bad field in a result", err);
    char k = short_key(f.key());
    double* target = nullptr;
    unsigned bit = 0;
    switch (k) {
      case 'o': target = &b.open; bit = 1; break;
      case 'h': target = &b.high; bit = 2; break;
      case 'l': target = &b.low; bit = 4; break;
      case 'c': target = &b.close; bit = 8; break;
      case 'v': target = &b.volume; bit = 16; break;
      case 't':
        t_ms = read_time_ms(f);
        seen |= 32;
        continue;
      default: continue;  // vw, n, otc: not part of a bar
    }
    if ((err = f.value().get_double().get(*target))) malformed("a price or volume is not a number", err);
    seen |= bit;
  }
  if ((seen & 47) != 47) malformed("a result lacks one of t, o, h, l, c", simdjson::SUCCESS);
  b.time = floor_div(t_ms, 1000);
  if (daily) b.time = floor_div(b.time, seconds_per_day) * seconds_per_day;
  return b;
}

void read_results(od::value& value, std::vector<ml::bar>& out, bool daily) {
  simdjson::error_code err;
  od::array results;
  if ((err = value.get_array().get(results))) malformed("'results' is not an array", err);
  for (auto item_result : results) {
    od::object item;
    if ((err = item_result.get_object().get(item))) malformed("a result is not an object", err);
    out.push_back(read_result(item, daily));
  }
}

}  // namespace

struct aggs_parser::impl {
  od::parser parser;
  simdjson::padded_string buffer;  // reused: grown, never shrunk
};

aggs_parser::aggs_parser() : impl_(std::make_unique<impl>()) {}
aggs_parser::~aggs_parser() = default;

aggs_page aggs_parser::parse(std::string_view json, std::vector<ml::bar>& out, bool daily) {
  // Also allocated for an empty body: memcpy and simdjson need a real buffer.
  if (impl_->buffer.size() < json.size() || impl_->buffer.size() == 0)
    impl_->buffer = simdjson::padded_string(json.size() + json.size() / 4 + 64);
  std::memcpy(impl_->buffer.data(), json.data(), json.size());
  simdjson::padded_string_view view(impl_->buffer.data(), json.size(), impl_->buffer.size() + simdjson::SIMDJSON_PADDING);

  aggs_page page;
  od::document doc;
  simdjson::error_code err = impl_->parser.iterate(view).get(doc);
  if (err) malformed("cannot start parsing", err);
  od::object top;
  if ((err = doc.get_object().get(top))) malformed("top level is not an object", err);
  const std::size_t before = out.size();
  for (auto field_result : top) {
    od::field field;
    if ((err = std::move(field_result).get(field))) malformed("bad field", err);
    od::raw_json_string key = field.key();
    od::value value = field.value();
    if (key == "results") {
      read_results(value, out, daily);
    } else if (key == "status") {
      std::string_view s;
      if ((err = value.get_string().get(s))) malformed("'status' is not a string", err);
      page.status = std::string(s);
    } else if (key == "resultsCount") {
      std::int64_t n = 0;
      if ((err = value.get_int64().get(n))) malformed("'resultsCount' is not an integer", err);
      page.results_count = n;
    } else if (key == "next_url") {
      std::string_view s;
      if ((err = value.get_string().get(s))) malformed("'next_url' is not a string", err);
      page.next_url = std::string(s);
    } else if (key == "error" || key == "message") {
      std::string_view s;
      if (!value.get_string().get(s)) page.error_text = std::string(s.substr(0, 300));
    }
    // ticker, queryCount, adjusted, request_id, count: on-demand skips them
    // when the loop advances, and reports a truncated document there.
  }
  page.bars = out.size() - before;
  return page;
}

}  // namespace mlt::net
