#pragma once
/// Where things are in a JSON text: line and column of every member and
/// element by JSON path, and of the first syntax error. simdjson parses the
/// values; this scan only gives people positions to look at.

#include <map>
#include <string>
#include <string_view>

namespace mlt::config {

/// 1-based line and column (bytes) in the text.
struct json_position {
  int line = 0;
  int column = 0;
};

/// The first syntax error of a text.
struct json_syntax_error {
  std::string message;  ///< e.g. "expected ',' or '}' after an object member"
  json_position at;
};

/// Records the position of every object member (its key) and array element
/// by path ("$.server.port", "$.schedules[1]"); false with `error` at the
/// first syntax error.
bool locate_json(std::string_view text, std::map<std::string, json_position>& where, json_syntax_error& error);

/// Position of `path`, or of its nearest recorded ancestor ("$.a.b[2].c"
/// -> "$.a.b[2]" -> ...); {0, 0} when none was recorded.
json_position nearest_position(const std::map<std::string, json_position>& where, const std::string& path);

/// "$.a" + "b" -> "$.a.b"; keys that are not identifiers are quoted: $.a["x y"].
std::string member_path(const std::string& parent, std::string_view key);

/// "$.a" + 2 -> "$.a[2]".
std::string element_path(const std::string& parent, std::size_t index);

}  // namespace mlt::config
