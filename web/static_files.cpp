#include "web/static_files.hpp"

#include "web/assets.hpp"

namespace mlt::web {

std::optional<net::server_response> serve_web_file(const net::server_request& req) {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  const web_asset* asset = find_web_asset(req.target);
  if (!asset) return std::nullopt;
  net::server_response res;
  res.content_type = std::string(asset->content_type);
  res.body = std::string(asset->body);
  const auto h = asset_headers();
  res.headers["Content-Security-Policy"] = std::string(h.content_security_policy);
  res.headers["Cache-Control"] = std::string(h.cache_control);
  res.headers["X-Content-Type-Options"] = "nosniff";
  res.headers["Referrer-Policy"] = "no-referrer";
  return res;
}

}  // namespace mlt::web
