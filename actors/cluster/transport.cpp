#include "actors/cluster/transport.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

namespace mlt::actors::cluster {

namespace {
using namespace std::chrono_literals;
constexpr auto heartbeat_interval = 1s;
constexpr auto link_timeout = 10s;
}  // namespace

void load_transport(caf::actor_system_config& cfg, const config::daemon_options& o) {
  cfg.load<caf::io::middleman>();
  // A link cut without a FIN (a cable, a partition) would leave the
  // connection open until a call's deadline; with heartbeats each side closes
  // a connection that stayed silent for the timeout, and the node is lost.
  cfg.set("middleman.heartbeat-interval", caf::timespan{heartbeat_interval});
  cfg.set("middleman.connection-timeout", caf::timespan{link_timeout});
  if (!o.cluster_tls()) return;
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = o.cluster_tls_certificate;
  cfg.openssl_key = o.cluster_tls_key;
  cfg.openssl_cafile = o.cluster_tls_cafile;
}

caf::expected<std::uint16_t> publish_door(const caf::actor& door, const config::daemon_options& o) {
  const auto port = static_cast<std::uint16_t>(o.cluster_port);
  if (o.cluster_tls()) return caf::openssl::publish(door, port, o.cluster_bind.c_str(), true);
  return caf::io::publish(door, port, o.cluster_bind.c_str(), true);
}

caf::expected<caf::actor> reach_door(caf::actor_system& sys, const std::string& host, std::uint16_t port,
                                     const config::daemon_options& o) {
  if (o.cluster_tls()) return caf::openssl::remote_actor(sys, host, port);
  return caf::io::remote_actor(sys, host, port);
}

std::string transport_name(const config::daemon_options& o) { return o.cluster_tls() ? "TLS" : "plain TCP"; }

}  // namespace mlt::actors::cluster
