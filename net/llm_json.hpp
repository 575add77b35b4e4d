#pragma once
/// JSON for the LLM clients: a check that text is a JSON object, so it can
/// be spliced into a request body with msg::json_writer::raw.

#include <string>
#include <string_view>

namespace mlt::net {

/// `text` as compact JSON into `out` when it is one JSON object; empty or
/// blank text counts as "{}". On failure `out` holds why (for an error).
bool compact_json_object(std::string_view text, std::string& out);

}  // namespace mlt::net
