#include "bench/bench_load_measure.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace mlt::bench {

namespace fs = std::filesystem;

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      double kib = 0;
      in >> kib;
      return kib / 1024.0;
    }
    in.ignore(1 << 16, '\n');
  }
  throw std::runtime_error("no VmRSS for pid " + std::to_string(pid));
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15: utime, stime in clock ticks
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double db_mib(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  auto pragma = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    double v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  const double bytes = (pragma("PRAGMA page_count") - pragma("PRAGMA freelist_count")) * pragma("PRAGMA page_size");
  sqlite3_close(db);
  return bytes / (1024.0 * 1024.0);
}

double dir_mib(const std::string& path) {
  std::uintmax_t bytes = 0;
  std::error_code ec;  // a file that goes while we count (a WAL reset) counts as nothing
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const auto size = it->is_regular_file(ec) ? it->file_size(ec) : 0;
    if (!ec) bytes += size;
    ec.clear();
  }
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double s = 0;
  for (std::size_t i = from; i < to; ++i) s += v[i];
  return to > from ? s / static_cast<double>(to - from) : 0;
}

namespace {
// Texts travel inside JSON strings: keep them to characters needing no escape.
std::string plain(std::string s) {
  for (auto& c : s)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '\'';
  return s;
}
}  // namespace

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& s : items) out += (out.size() > 1 ? ",\"" : "\"") + plain(s) + "\"";
  return out + "]";
}

void emit(const char* name, double value, const char* unit, const std::string& extra) {
  std::printf("{\"name\":\"%s\",\"value\":%.4g,\"unit\":\"%s\"%s%s}\n", name, value, unit, extra.empty() ? "" : ",",
              extra.c_str());
  std::fflush(stdout);
}

rss_sampler::rss_sampler(pid_t pid)
    : thread_([this, pid] {
        while (!stop_) {
          peak_ = std::max(peak_.load(), rss_mib(pid));
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }) {}

double rss_sampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return peak_;
}

}  // namespace mlt::bench
