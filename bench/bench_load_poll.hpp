#pragma once
/// Polls GET /api/trials on its own thread and keep-alive connection, as a
/// dashboard would, while the chat load runs.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace mlt::bench {

struct poll_result {
  std::vector<double> latency_ms;     ///< one per answered request
  std::int64_t errors = 0;            ///< non-200 answers, bodies without a trials list, broken connections
  std::vector<std::string> problems;  ///< the first few errors
};

class trials_poller {
public:
  /// Starts polling at once, one request every `interval` (after the answer).
  trials_poller(std::uint16_t port, std::chrono::milliseconds interval);
  ~trials_poller();
  trials_poller(const trials_poller&) = delete;
  trials_poller& operator=(const trials_poller&) = delete;
  /// Stops after the request in flight and returns what was measured.
  poll_result stop();

private:
  void run(std::uint16_t port, std::chrono::milliseconds interval);
  std::atomic<bool> stopping_{false};
  poll_result result_;
  std::thread thread_;
};

}  // namespace mlt::bench
