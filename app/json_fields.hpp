#pragma once
/// Reading a frame's fields in the client: absent or mistyped fields give a
/// stated default, never an exception (frames from older daemons lack some).

#include <cstdint>
#include <string>

#include <simdjson.h>

namespace mlt::app {

/// The string field `key`, "" if absent.
inline std::string json_str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return {};
  return std::string(v);
}

/// The number field `key` (integer or not), `missing` if absent.
inline double json_num(simdjson::dom::element e, const char* key, double missing = 0) {
  double d = 0;
  if (!e[key].get_double().get(d)) return d;
  std::int64_t i = 0;
  if (!e[key].get_int64().get(i)) return static_cast<double>(i);
  return missing;
}

}  // namespace mlt::app
