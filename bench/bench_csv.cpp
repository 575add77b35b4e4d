// CSV ingest speed: bars/s of ml::parse_csv on the largest file in the shared
// data folder, repeated in memory so one pass lasts long enough to time.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_line.hpp"
#include "ml/market/csv_reader.hpp"

namespace fs = std::filesystem;
using namespace mlt::ml;

namespace {

// Thread CPU time: on a shared machine wall time also counts other processes.
double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::path(MLT_TEST_DATA_DIR);
  fs::path largest;
  std::uintmax_t size = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".csv" && e.file_size() > size) {
      size = e.file_size();
      largest = e.path();
    }
  if (largest.empty()) {
    std::fprintf(stderr, "bench_csv: no CSV files in %s\n", dir.c_str());
    return 1;
  }
  const std::string text = read_text_file(largest);

  // Reference check: row count and the first and last rows parsed by hand.
  bar_series once = parse_csv(text, largest.string());
  std::size_t rows = 0;
  for (char c : text) rows += c == '\n';
  if (text.back() != '\n') ++rows;
  --rows;  // header
  const std::size_t last_nl = text.find_last_of('\n', text.size() - 2);
  // Converted files are date,open,high,low,close,volume: close is the 5th field.
  std::string last_line = text.substr(last_nl + 1);
  std::size_t p = 0;
  for (int i = 0; i < 4; ++i) p = last_line.find(',', p) + 1;
  double last_close = std::strtod(last_line.c_str() + p, nullptr);
  if (once.bars.size() != rows || once.bars.back().close != last_close) {
    std::fprintf(stderr, "bench_csv: reference check failed (%zu bars vs %zu rows, close %g vs %g)\n",
                 once.bars.size(), rows, once.bars.back().close, last_close);
    return 1;
  }

  // Repeat the body to about 64 MB.
  const std::size_t header_end = text.find('\n') + 1;
  const std::string body = text.substr(header_end);
  const std::size_t copies = std::max<std::size_t>(1, (64u << 20) / body.size());
  std::string big = text.substr(0, header_end);
  big.reserve(header_end + body.size() * copies);
  for (std::size_t i = 0; i < copies; ++i) big += body;
  const std::size_t expect = once.bars.size() * copies;

  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = cpu_now();
    bar_series s = parse_csv(big, "repeated");
    auto t1 = cpu_now();
    if (s.bars.size() != expect) {
      std::fprintf(stderr, "bench_csv: expected %zu bars, got %zu\n", expect, s.bars.size());
      return 1;
    }
    best = std::min(best, t1 - t0);
  }
  mlt::bench::print_line("{\"name\":\"csv_ingest_bars_per_s\",\"value\":%.0f,\"unit\":\"bars/s\",\"file\":\"%s\",\"bars\":%zu,\"bytes\":%zu,\"best_of\":5,\"clock\":\"thread_cpu\"}\n",
                         expect / best, largest.filename().c_str(), expect, big.size());
  mlt::bench::print_line("{\"name\":\"csv_ingest_throughput\",\"value\":%.3f,\"unit\":\"GB/s\",\"file\":\"%s\"}\n",
                         big.size() / best / 1e9, largest.filename().c_str());
  return 0;
}
