#pragma once
/// The cluster's actors. The coordinator daemon publishes a door that
/// workers join (with the shared secret) and that places trials' trainers on
/// nodes with a free slot; the engine's trainers are remote trainers that
/// forward every request in an envelope to their placement and move to
/// another node when theirs is lost. Every node, the coordinator's own slots
/// included, hosts its trainers behind a trainer host.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/fwd.hpp"

namespace mlt::actors::cluster {

using make_trainer_fn = std::function<trainer_actor(caf::actor_system&)>;

/// `slots` trainers that answer msg::remote_call envelopes and cache bars
/// by content, so a node gets each series once.
caf::actor spawn_trainer_host(caf::actor_system& sys, int slots, make_trainer_fn make);

using log_fn = std::function<void(const std::string&)>;

struct door_config {
  std::string secret;     ///< the shared cluster secret; never logged or sent
  std::string host_name;  ///< the coordinator's, for /api/cluster
  caf::actor local_host;  ///< the coordinator's own trainers (none when local_slots is 0)
  int local_slots = 0;
  log_fn info;
  log_fn warn;
};

/// Handshakes, placement and the nodes' status (msg::cluster_status_query).
/// Only actors of this process may ask for placements or status.
caf::actor spawn_door(caf::actor_system& sys, door_config cfg);

/// How long one forwarded request may take before its node counts as stuck
/// and the trainer moves; below the engine's own timeouts. `every` above
/// zero (cluster.call_deadline_ms) replaces them all.
std::chrono::milliseconds call_deadline(std::uint16_t kind, std::chrono::milliseconds every = {});

/// A trainer for the engine that lives wherever the door places it; `every`
/// as for call_deadline.
trainer_actor spawn_remote_trainer(caf::actor_system& sys, caf::actor door, std::chrono::milliseconds every = {});

}  // namespace mlt::actors::cluster
