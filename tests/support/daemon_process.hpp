#pragma once
/// Starts the real mltrainerd on a free loopback port for integration tests.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mlt::test {

class daemon_process {
public:
  /// Starts `mltrainerd --port 0 --state-dir DIR ...extra` and waits for its
  /// "listening on port N" line; throws std::runtime_error with its output.
  daemon_process(const std::string& state_dir, const std::vector<std::string>& extra = {});
  ~daemon_process();
  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;

  std::uint16_t port() const { return port_; }
  /// What it printed up to its "listening on port N" line (e.g. the
  /// "cluster listening on port N" line before it).
  const std::string& printed() const { return printed_; }
  pid_t pid() const { return pid_; }
  /// Sends `sig` and waits for the exit; returns the exit status (or 128+signal).
  int stop(int sig = 15);

private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string printed_;
};

/// A fresh empty directory under the build tree's temp folder.
std::string fresh_dir(const std::string& name);

/// Path of a built executable (e.g. "app/mltrainerd").
std::string binary(const std::string& relative);

}  // namespace mlt::test
