#pragma once
/// Many WebSocket chat sessions against one daemon, all driven by one Asio
/// thread: a thread per session would measure the bench's scheduler, not the
/// daemon.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <simdjson.h>

namespace mlt::bench {

/// What every session says, in order. Each line must be answered by a
/// `proposal` frame, which `check` inspects; it returns "" when the proposal
/// is what the line asked for, else the problem.
struct chat_script {
  std::vector<std::string> lines;
  std::function<std::string(std::size_t line, simdjson::dom::element proposal)> check;
};

struct chat_result {
  std::vector<double> latency_ms;     ///< one per answered line: sent → its proposal frame
  std::int64_t frames_in = 0;         ///< frames the sessions received during the chat
  std::int64_t frames_out = 0;        ///< frames they sent
  std::int64_t errors = 0;            ///< error frames, failed checks, lost connections, lines left unanswered
  std::vector<std::string> problems;  ///< the first few errors, for the operator
  double seconds = 0;                 ///< first line sent → last proposal received (or the timeout)
};

class session_pool {
public:
  session_pool(std::uint16_t port, int sessions);
  ~session_pool();
  session_pool(const session_pool&) = delete;
  session_pool& operator=(const session_pool&) = delete;

  /// Connects every session and reads its `hello`. Returns the problems
  /// (empty when every session is open); a session that failed stays closed.
  std::vector<std::string> open(std::chrono::seconds timeout);
  /// Runs `script` on every open session at once; returns when every session
  /// has had its last proposal, or when `timeout` passes (unanswered lines count
  /// as errors).
  chat_result chat(const chat_script& script, std::chrono::seconds timeout);
  /// Closes every session with a WebSocket close (bounded wait) and stops the thread.
  void close();

  struct impl;  // defined in the .cpp only (public so its sessions may name it)

private:
  std::unique_ptr<impl> impl_;
};

}  // namespace mlt::bench
