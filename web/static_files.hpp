#pragma once
/// The embedded web page as an HTTP handler for the daemon's router.

#include <optional>

#include "net/server.hpp"

namespace mlt::web {

/// The response for a GET/HEAD of an embedded file (any `token=` already
/// stripped by the server), with Content-Security-Policy, caching and
/// nosniff headers; nullopt when `req` names no embedded file. The files
/// hold no data, so they are served without a token; the WebSocket checks it.
std::optional<net::server_response> serve_web_file(const net::server_request& req);

}  // namespace mlt::web
