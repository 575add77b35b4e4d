#include "web/assets.hpp"

#include <vector>

#include "web/assets_data.hpp"

namespace mlt::web {

namespace {

struct named_asset {
  std::string_view path;
  web_asset asset;
};

const std::vector<named_asset>& table() {
  static const std::vector<named_asset> t = [] {
    std::vector<named_asset> out;
    for (std::size_t i = 0; i < detail::embedded_asset_count; ++i) {
      const auto& e = detail::embedded_assets[i];
      out.push_back({e.path, {e.content_type, std::string_view(e.data, e.size)}});
    }
    return out;
  }();
  return t;
}

}  // namespace

const web_asset* find_web_asset(std::string_view path) {
  path = path.substr(0, path.find_first_of("?#"));
  if (path == "/" || path.empty()) path = "/index.html";
  for (const auto& a : table())
    if (a.path == path) return &a.asset;
  return nullptr;
}

web_asset_headers asset_headers() {
  // Scripts and styles only from this origin (Chart.js sets canvas sizes
  // through the CSSOM, which CSP allows); the WebSocket may be ws: or wss:.
  // no-cache: the browser revalidates, so a new daemon's page is never stale.
  return {"default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
          "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          "no-cache"};
}

}  // namespace mlt::web
