#pragma once
/// The daemon's HTTP routes beside the WebSocket: /health, /metrics,
/// /api/trials, /api/trials/{id}, the files of a trial's report
/// (/api/trials/{id}/report.html, equity.csv, trades.csv), then the web
/// page's static files.
///
/// Runs on the server's Asio threads: store questions are synchronous
/// requests with a deadline (a slow store answers 503, never a hang).

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/fwd.hpp"
#include "net/server.hpp"

namespace mlt::actors {

struct http_api_context {
  caf::actor_system* sys = nullptr;
  store_actor store;
  caf::actor cluster;  ///< the cluster's door; none = a single node
  std::string version;
  /// How long one store question may take before the answer is 503.
  std::chrono::milliseconds store_timeout{5000};
  /// Static files (the web page), asked for GET/HEAD paths no route knows;
  /// nullopt = not a file, so 404. Unset = no static files. It sees
  /// `authenticated` and decides itself whether a file needs the token.
  std::function<std::optional<net::server_response>(const net::server_request&)> static_files;
};

/// Answers one HTTP request. /health is open; /metrics and /api/* need
/// `req.authenticated` (true when no tokens are configured). Unknown paths
/// are 404, wrong methods 405, a malformed id or limit 400; every error
/// body is JSON {"error":{"status":N,"message":"..."}}.
net::server_response handle_http(const http_api_context& ctx, const net::server_request& req);

}  // namespace mlt::actors
