#pragma once
/// The web page's files, embedded into the daemon at build time.

#include <string_view>

namespace mlt::web {

/// One embedded file: its Content-Type and its bytes.
struct web_asset {
  std::string_view content_type;
  std::string_view body;
};

/// The asset served at URL path `path` ("/" is index.html; any query string
/// is ignored); nullptr when there is none.
const web_asset* find_web_asset(std::string_view path);

/// Response headers for an embedded asset: a strict Content-Security-Policy
/// (no third-party origin, WebSocket to any host allowed) and caching.
struct web_asset_headers {
  std::string_view content_security_policy;
  std::string_view cache_control;
};

/// The headers every embedded asset should be served with.
web_asset_headers asset_headers();

}  // namespace mlt::web
