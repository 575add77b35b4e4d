#include "net/llm_json.hpp"

#include <simdjson.h>

namespace mlt::net {

bool compact_json_object(std::string_view text, std::string& out) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    out = "{}";
    return true;
  }
  // Validation is rare (once per tool and per replayed tool call), so a
  // local parser costs nothing worth sharing.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(simdjson::padded_string(text)).get(doc)) {
    out = std::string("not valid JSON (") + simdjson::error_message(error) + ")";
    return false;
  }
  if (!doc.is_object()) {
    out = "a JSON value that is not an object";
    return false;
  }
  out = simdjson::minify(doc);
  return true;
}

}  // namespace mlt::net
