#pragma once
/// The daemon: the actor system, every long-lived actor, and the network
/// server that hands WebSocket connections to session actors.

#include <cstdint>
#include <memory>

#include "config/daemon_options.hpp"

namespace mlt::actors {

class daemon {
public:
  explicit daemon(config::daemon_options options);
  ~daemon();
  daemon(const daemon&) = delete;
  daemon& operator=(const daemon&) = delete;

  /// Opens the store (marking trials left running by a crash as
  /// interrupted), spawns the actors and starts listening. Throws
  /// std::runtime_error with a clear message on failure.
  void start();
  /// The bound port.
  std::uint16_t port() const;
  /// The cluster port workers join on; 0 without a cluster.
  std::uint16_t cluster_port() const;
  /// Records running trials as interrupted, closes connections, stops actors.
  void stop();

  struct impl;  // public so that daemon.cpp's start-up functions can take it

private:
  std::unique_ptr<impl> impl_;
};

}  // namespace mlt::actors
