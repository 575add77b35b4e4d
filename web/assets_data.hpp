#pragma once
/// The table that web/embed.cmake generates (web_assets_data.cpp).

#include <cstddef>

namespace mlt::web::detail {

/// One generated entry; `size` excludes the terminating zero byte.
struct embedded_asset {
  const char* path;
  const char* content_type;
  const char* data;
  std::size_t size;
};

extern const embedded_asset embedded_assets[];
extern const std::size_t embedded_asset_count;

}  // namespace mlt::web::detail
