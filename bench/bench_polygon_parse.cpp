// Polygon aggregates parsing speed: net::aggs_parser (bars out, one reused
// parser, copy into its padded buffer included) against simdjson on-demand
// merely walking the same bytes (every value read, nothing built). The ratio
// parse/walk is the figure.
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_line.hpp"
#include "net/polygon_client.hpp"

namespace od = simdjson::ondemand;

namespace {

// Thread CPU time: on a shared machine wall time also counts other processes.
std::chrono::duration<double> cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::duration<double>(ts.tv_sec + ts.tv_nsec * 1e-9);
}

struct ref_bar {
  std::int64_t t_ms;
  double o, h, l, c, v;
};

// A realistic 50,000-result minute page (Polygon's maximum per page).
std::string make_page(std::vector<ref_bar>& ref) {
  std::string out = "{\"ticker\":\"AAPL\",\"queryCount\":50000,\"resultsCount\":50000,\"adjusted\":true,\"results\":[";
  std::uint64_t s = 12345;
  auto rnd = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  double price = 150.0;
  std::int64_t t = 1672756200000;  // 2023-01-03 14:30 UTC
  char buf[256];
  for (int i = 0; i < 50000; ++i, t += 60000) {
    double o = price, c = std::round((price * (1 + (rnd() - 0.5) * 0.002)) * 10000) / 10000;
    double h = std::max(o, c) + 0.01 * std::round(rnd() * 10), l = std::min(o, c) - 0.01 * std::round(rnd() * 10);
    double v = std::round(1000 + rnd() * 100000);
    price = c;
    std::snprintf(buf, sizeof buf, "%s{\"v\":%.0f,\"vw\":%.4f,\"o\":%.4f,\"c\":%.4f,\"h\":%.4f,\"l\":%.4f,\"t\":%lld,\"n\":%d}",
                  i ? "," : "", v, (o + c) / 2, o, c, h, l, static_cast<long long>(t), 100 + i % 900);
    out += buf;
    ref.push_back({t, 0, 0, 0, 0, v});
    // Read back what was printed so the reference matches the text exactly.
    ref_bar& r = ref.back();
    std::sscanf(buf + (i ? 1 : 0), "{\"v\":%*f,\"vw\":%*f,\"o\":%lf,\"c\":%lf,\"h\":%lf,\"l\":%lf", &r.o, &r.c, &r.h, &r.l);
  }
  out += "],\"status\":\"OK\",\"request_id\":\"6a7e466379af0a71039d60cc78e72282\",\"count\":50000,"
         "\"next_url\":\"https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/minute/1672756200000/2023-12-31?cursor=bGltaXQ9NTAwMDA\"}";
  return out;
}

// The baseline: on-demand iteration touching every value, building nothing.
double walk(const simdjson::padded_string& json, od::parser& parser) {
  double sum = 0;
  od::document doc = parser.iterate(json);
  for (auto field : doc.get_object()) {
    std::string_view key = field.unescaped_key();
    if (key == "results") {
      for (auto item : field.value().get_array())
        for (auto f : item.get_object()) sum += f.value().get_double();
    } else {
      field.value().raw_json_token();
    }
  }
  return sum;
}

template <class F>
double best_seconds(int reps, F&& f) {
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    auto t0 = cpu_now();
    f();
    best = std::min(best, std::chrono::duration<double>(cpu_now() - t0).count());
  }
  return best;
}

}  // namespace

int main() {
  std::vector<ref_bar> ref;
  const std::string page = make_page(ref);
  mlt::net::aggs_parser parser;
  std::vector<mlt::ml::bar> bars;
  bars.reserve(ref.size());

  // Reference check before any timing.
  auto info = parser.parse(page, bars, false);
  if (info.status != "OK" || info.results_count != 50000 || bars.size() != ref.size() || info.next_url.empty()) {
    std::fprintf(stderr, "bench_polygon_parse: page metadata wrong\n");
    return 1;
  }
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const auto& b = bars[i];
    const auto& r = ref[i];
    if (b.time != r.t_ms / 1000 || b.open != r.o || b.high != r.h || b.low != r.l || b.close != r.c || b.volume != r.v) {
      std::fprintf(stderr, "bench_polygon_parse: bar %zu differs from the reference\n", i);
      return 1;
    }
  }

  simdjson::padded_string padded(page);
  od::parser walker;
  volatile double sink = walk(padded, walker);
  const int reps = 30;
  double t_walk = best_seconds(reps, [&] { sink = walk(padded, walker); });
  double t_parse = best_seconds(reps, [&] {
    bars.clear();
    parser.parse(page, bars, false);
  });
  (void)sink;
  const double gb = static_cast<double>(page.size()) / 1e9;
  // Stage 1 runs through the library's runtime-selected kernel; the inlined
  // on-demand code is compiled for this translation unit's target.
  const std::string impl = simdjson::get_active_implementation()->name() + "/" +
                           SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION);
  mlt::bench::print_line("{\"name\":\"polygon_parse_throughput\",\"value\":%.3f,\"unit\":\"GB/s\",\"bytes\":%zu,\"simdjson_kernel\":\"%s\"}\n",
                         gb / t_parse, page.size(), impl.c_str());
  mlt::bench::print_line("{\"name\":\"polygon_parse_bars_per_s\",\"value\":%.0f,\"unit\":\"bars/s\"}\n", ref.size() / t_parse);
  mlt::bench::print_line("{\"name\":\"simdjson_walk_throughput\",\"value\":%.3f,\"unit\":\"GB/s\",\"simdjson_kernel\":\"%s\"}\n",
                         gb / t_walk, impl.c_str());
  mlt::bench::print_line("{\"name\":\"polygon_parse_vs_walk_ratio\",\"value\":%.3f,\"unit\":\"ratio\",\"aim\":0.5}\n", t_walk / t_parse);
  return 0;
}
