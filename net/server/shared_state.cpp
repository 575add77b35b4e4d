#include "net/server/shared_state.hpp"

#include <iostream>

namespace mlt::net::detail {

shared_state::shared_state(server_options options, server_handlers handlers)
    : options_(std::move(options)), handlers_(std::move(handlers)) {}

bool shared_state::join(std::uint64_t id, const std::shared_ptr<websocket_session>& session) {
  std::lock_guard<std::mutex> lock(sessions_mutex_);
  if (closing_) return false;
  sessions_[id] = session;
  return true;
}

void shared_state::leave(std::uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    sessions_.erase(id);
  }
  sessions_cv_.notify_all();
}

std::vector<std::shared_ptr<websocket_session>> shared_state::sessions() {
  std::lock_guard<std::mutex> lock(sessions_mutex_);
  // Once stop() has looked at the sessions, late handshakes are refused.
  closing_ = true;
  std::vector<std::shared_ptr<websocket_session>> out;
  for (auto& [id, weak] : sessions_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

bool shared_state::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(sessions_mutex_);
  return sessions_cv_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
}

void shared_state::mark_stopped() {
  std::lock_guard<std::mutex> lock(post_mutex_);
  stopped_ = true;
}

bool shared_state::stopped() const {
  std::lock_guard<std::mutex> lock(post_mutex_);
  return stopped_;
}

void shared_state::log(const std::string& line) const {
  if (handlers_.on_log) {
    handlers_.on_log(line);
  } else {
    std::cerr << "mlt::net: " << line << '\n';
  }
}

}  // namespace mlt::net::detail
