#pragma once
/// How nodes reach each other: CAF's BASP over plain TCP, or over TLS
/// (Debian's libcaf-openssl) when the node has a certificate, its key and
/// the CA file its peers' certificates must be signed by. The one place
/// that chooses; the door's secret handshake runs on top either way.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "config/daemon_options.hpp"

namespace mlt::actors::cluster {

/// Loads CAF's network layer into `cfg`, and with TLS configured its OpenSSL
/// layer with this node's certificate, key and CA file (both sides must
/// show a certificate the CA file vouches for).
void load_transport(caf::actor_system_config& cfg, const config::daemon_options& o);

/// Publishes the door on cluster.bind:port; the port it got.
caf::expected<std::uint16_t> publish_door(const caf::actor& door, const config::daemon_options& o);

/// The coordinator's door at host:port, as a worker reaches it.
caf::expected<caf::actor> reach_door(caf::actor_system& sys, const std::string& host, std::uint16_t port,
                                     const config::daemon_options& o);

/// "TLS" or "plain TCP", for log lines.
std::string transport_name(const config::daemon_options& o);

}  // namespace mlt::actors::cluster
