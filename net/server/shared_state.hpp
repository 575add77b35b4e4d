#pragma once
/// What every listener and session of one server shares: options, handlers,
/// the registry of open WebSocket sessions, and the "stopped" latch.

#include "net/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mlt::net::detail {

class websocket_session;

class shared_state {
public:
  shared_state(server_options options, server_handlers handlers);

  const server_options& options() const { return options_; }
  const server_handlers& handlers() const { return handlers_; }

  /// A fresh connection id; ids only grow.
  std::uint64_t next_id() { return next_id_.fetch_add(1) + 1; }

  /// Records an open session; false when the server is stopping.
  bool join(std::uint64_t id, const std::shared_ptr<websocket_session>& session);
  void leave(std::uint64_t id);
  /// Strong references to every registered session.
  std::vector<std::shared_ptr<websocket_session>> sessions();
  /// Waits until no session is registered or `timeout` passes; true if empty.
  bool wait_empty(std::chrono::milliseconds timeout);

  /// Runs `post` unless the server stopped; the lock keeps stop() from
  /// destroying the io_context while a post is under way.
  template <class F>
  void post_unless_stopped(F&& post) {
    std::lock_guard<std::mutex> lock(post_mutex_);
    if (!stopped_) post();
  }
  /// After this, post_unless_stopped() does nothing.
  void mark_stopped();
  bool stopped() const;

  /// Sends one line to handlers.on_log or stderr.
  void log(const std::string& line) const;

private:
  server_options options_;
  server_handlers handlers_;
  std::atomic<std::uint64_t> next_id_{0};

  mutable std::mutex post_mutex_;
  bool stopped_ = false;

  std::mutex sessions_mutex_;
  std::condition_variable sessions_cv_;
  bool closing_ = false;
  std::map<std::uint64_t, std::weak_ptr<websocket_session>> sessions_;
};

}  // namespace mlt::net::detail
