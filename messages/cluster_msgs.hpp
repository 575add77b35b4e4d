#pragma once
/// The cluster's messages: a worker's join handshake with the coordinator,
/// the envelope every trainer request and reply travels in between nodes,
/// the placement of trainers on nodes, and the nodes as /api/cluster shows
/// them. The handshake and the envelopes cross the network over CAF's BASP;
/// an envelope's bytes are written by messages/bit_exact.hpp, because CAF's
/// own binary format loses NaN and infinities, which fits and reports hold.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"

namespace mlt::msg {

/// Raised when the handshake or the envelope's meaning changes: a worker of
/// another version is refused by name instead of misreading messages.
constexpr std::uint16_t cluster_protocol = 1;

/// worker -> coordinator's door: who joins, and a nonce the coordinator
/// proves the shared secret over.
struct cluster_hello {
  std::uint16_t protocol = 0;
  std::string node_name;   ///< the worker's host name
  std::int32_t pid = 0;
  std::int32_t cores = 0;
  std::int32_t slots = 0;  ///< trainers it hosts
  std::string nonce;       ///< hex, fresh per attempt
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_hello& x) {
  return f(caf::meta::type_name("cluster_hello"), x.protocol, x.node_name, x.pid, x.cores, x.slots, x.nonce);
}

/// door -> worker: the coordinator's nonce and its HMAC over the worker's
/// nonce; or, when `refusal` is set, why the worker cannot join.
struct cluster_challenge {
  std::string nonce;
  std::string proof;
  std::string refusal;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_challenge& x) {
  return f(caf::meta::type_name("cluster_challenge"), x.nonce, x.proof, x.refusal);
}

/// worker -> door: its HMAC over both nonces, and the actor that hosts its
/// trainers.
struct cluster_join {
  std::string nonce;  ///< the coordinator's, from the challenge
  std::string proof;
  caf::actor host;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_join& x) {
  return f(caf::meta::type_name("cluster_join"), x.nonce, x.proof, x.host);
}

/// door -> worker: its node id ("w1"), or why it was refused.
struct cluster_welcome {
  std::string node_id;
  std::string refusal;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_welcome& x) {
  return f(caf::meta::type_name("cluster_welcome"), x.node_id, x.refusal);
}

/// One trainer request or reply between nodes. `kind` names the message
/// type (actors/cluster/envelope.hpp), `slot` the trainer on the host,
/// `bytes` the message in the bit-exact format. `file`: in the reply to an
/// evaluate_request with an artifact_path, the model file the worker wrote
/// (in its own temporary folder), for the coordinator to keep at that path.
struct remote_call {
  std::uint64_t seq = 0;
  std::uint16_t kind = 0;
  std::int32_t slot = 0;
  std::vector<char> bytes;
  std::vector<char> file;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_call& x) {
  return f(caf::meta::type_name("remote_call"), x.seq, x.kind, x.slot, x.bytes, x.file);
}

/// An envelope's prepare_request without its bars, which the host has
/// cached under `bars_key` (a SHA-256 of them); a host without them answers
/// "need bars" and gets the whole prepare_request. Bars go once per node.
struct cached_prepare {
  msg::trial_id trial_id;
  std::int32_t horizon = 1;
  std::string bars_key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cached_prepare& x) {
  return f(caf::meta::type_name("cached_prepare"), x.trial_id, x.horizon, x.bars_key);
}

/// remote trainer -> door: a free trainer slot, not on `avoid` (a node that
/// just missed a deadline) unless it is the only one.
struct place_request {
  std::string avoid;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, place_request& x) {
  return f(caf::meta::type_name("place_request"), x.avoid);
}

/// door -> remote trainer: slot `slot` of the host actor of node `node_id`.
struct placement {
  std::string node_id;
  caf::actor host;
  std::int32_t slot = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement& x) {
  return f(caf::meta::type_name("placement"), x.node_id, x.host, x.slot);
}

/// remote trainer -> door: it gave the slot up (a missed deadline).
struct release_slot {
  std::string node_id;
  std::int32_t slot = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, release_slot& x) {
  return f(caf::meta::type_name("release_slot"), x.node_id, x.slot);
}

/// remote trainer -> door: a fit ended on that node (for fits_done).
struct node_fit_done {
  std::string node_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_fit_done& x) {
  return f(caf::meta::type_name("node_fit_done"), x.node_id);
}

/// One node as GET /api/cluster and /metrics show it.
struct node_status {
  std::string id;       ///< "coordinator", "w1", "w2", ...
  std::string role;     ///< coordinator | worker
  std::string address;  ///< host name (and, for workers, where they connected from)
  std::int32_t pid = 0;
  std::int32_t slots = 0;
  std::int32_t running = 0;  ///< slots held by a trial's trainer
  std::int64_t fits_done = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_status& x) {
  return f(caf::meta::type_name("node_status"), x.id, x.role, x.address, x.pid, x.slots, x.running, x.fits_done);
}

struct cluster_status_query {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_status_query&) {
  return f(caf::meta::type_name("cluster_status_query"));
}

struct cluster_status {
  std::vector<node_status> nodes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_status& x) {
  return f(caf::meta::type_name("cluster_status"), x.nodes);
}

/// remote trainer -> engine: the trial's trainer moved to another node
/// after its node was lost or missed a deadline; `text` is the transcript
/// line ("worker w2 was lost at step 14; the fit restarted on w1").
struct trainer_moved {
  msg::trial_id trial_id;
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trainer_moved& x) {
  return f(caf::meta::type_name("trainer_moved"), x.trial_id, x.text);
}

}  // namespace mlt::msg
