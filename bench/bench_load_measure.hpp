#pragma once
/// What bench_load measures of the daemon process and how it prints it: memory,
/// CPU time, disk, and one JSON object per figure.

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

namespace mlt::bench {

/// The process's resident memory (VmRSS), MiB.
double rss_mib(pid_t pid);
/// The process's CPU time so far (user + system, all threads), seconds: unlike
/// the wall clock it hardly moves with what else the machine runs.
double cpu_seconds(pid_t pid);
/// The database's size as SQLite sees it (WAL content included), MiB, so growth
/// is not hidden in, or inflated by, a WAL file not yet checkpointed.
double db_mib(const std::string& path);
/// Every regular file below `path` (database, WAL, kept models, cache, log), MiB.
double dir_mib(const std::string& path);

double percentile(std::vector<double> v, double q);
/// Mean of v[from, to).
double mean(const std::vector<double>& v, std::size_t from, std::size_t to);
/// A JSON array of texts (quotes, backslashes and control characters become ').
std::string json_list(const std::vector<std::string>& items);
/// Prints {"name":…,"value":…,"unit":…,EXTRA} on its own line; EXTRA is JSON members.
void emit(const char* name, double value, const char* unit, const std::string& extra = "");

/// Samples a process's RSS every 100 ms until stopped; keeps the peak.
class rss_sampler {
public:
  explicit rss_sampler(pid_t pid);
  double stop();

private:
  std::atomic<bool> stop_{false};
  std::atomic<double> peak_{0};
  std::thread thread_;
};

}  // namespace mlt::bench
