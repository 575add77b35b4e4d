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
  // Chart.js sets canvas styles inline, hence style-src 'unsafe-inline';
  // scripts only from this origin.
  return {"default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; frame-ancestors 'none'",
          "no-cache"};
}

}  // namespace mlt::web
