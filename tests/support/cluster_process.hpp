#pragma once
/// A coordinator and its workers as real processes on loopback, for the
/// cluster's integration tests.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/daemon_process.hpp"

namespace mlt::test {

/// The secret the tests' cluster shares (MLTRAINER_CLUSTER_SECRET).
inline const char* test_cluster_secret = "test-cluster-secret-0123456789";

/// A coordinator: mltrainerd --cluster-port 0 --local-trainers N (its
/// secret set in this process's environment, which it inherits).
struct coordinator_process {
  explicit coordinator_process(const std::string& state_dir, int local_trainers = 0,
                               const std::vector<std::string>& extra = {});
  daemon_process daemon;
  std::uint16_t cluster_port = 0;
  /// The coordinator's log file (warnings and errors; the tests run it at warn).
  std::string log() const;
  std::string state_dir;
};

/// Where a worker joins, and what starts it (e.g. `ip netns exec NAME`).
struct worker_setup {
  std::string join_host = "127.0.0.1";
  std::vector<std::string> launcher;
};

/// `mltrainerd --worker --join 127.0.0.1:PORT --trainers N`, its output in a
/// file; `secret` replaces the shared one (for a worker that must be refused);
/// `extra` are more flags.
class worker_process {
public:
  worker_process(std::uint16_t cluster_port, int trainers = 1, const std::string& secret = test_cluster_secret,
                 const std::vector<std::string>& extra = {}, const worker_setup& setup = {});
  ~worker_process();
  worker_process(const worker_process&) = delete;
  worker_process& operator=(const worker_process&) = delete;

  pid_t pid() const { return pid_; }
  /// Sends `sig` and waits for the exit; the exit status (or 128+signal).
  int stop(int sig = 15);
  /// Waits up to `seconds` for it to exit by itself; its status, or -1.
  int wait_exit(int seconds);
  /// Everything it printed so far.
  std::string log() const;
  /// Waits up to `seconds` for `text` in what it printed.
  bool printed(const std::string& text, int seconds) const;

private:
  pid_t pid_ = -1;
  std::string log_path_;
};

/// A self-signed certificate and its key made with `openssl req` in a fresh
/// folder named after `name`: every node shows it and trusts it (it is its
/// own CA file).
struct test_certificate {
  explicit test_certificate(const std::string& name = "tls");
  std::string certificate, key;
  /// --tls-certificate, --tls-key, --tls-cafile with these files.
  std::vector<std::string> flags() const;
};

/// GET `path` from the daemon on `port`; the body ("" on failure).
std::string http_get(std::uint16_t port, const std::string& path);

/// Polls GET /api/cluster until `pred(body)` holds or `seconds` pass.
template <class Pred>
bool wait_for_cluster(std::uint16_t port, Pred pred, int seconds = 30);

}  // namespace mlt::test

#include <chrono>
#include <thread>

template <class Pred>
bool mlt::test::wait_for_cluster(std::uint16_t port, Pred pred, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred(http_get(port, "/api/cluster"))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}
