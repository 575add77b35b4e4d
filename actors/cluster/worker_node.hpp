#pragma once
/// `mltrainerd --worker --join HOST:PORT`: a node that hosts trainers for a
/// coordinator. It joins with the shared secret, reconnects with backoff when
/// the coordinator goes away, and keeps nothing but a bar cache.

#include <memory>

#include "config/daemon_options.hpp"

namespace mlt::actors::cluster {

class worker_node {
public:
  explicit worker_node(config::daemon_options options);
  ~worker_node();
  worker_node(const worker_node&) = delete;
  worker_node& operator=(const worker_node&) = delete;

  /// Starts the trainers and the connection loop; returns at once.
  void start();
  /// Leaves the coordinator and stops every actor.
  void stop();
  /// 0, or 1 when the coordinator refused this worker (wrong secret or
  /// version): it then raised SIGTERM in this process so that main's wait ends.
  int exit_code() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mlt::actors::cluster
