#include "net/llm_json.hpp"

#include <simdjson.h>

#include "ml/sim/json_out.hpp"

namespace mlt::net {

void llm_json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

llm_json_writer& llm_json_writer::begin_object() {
  separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

llm_json_writer& llm_json_writer::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

llm_json_writer& llm_json_writer::begin_array() {
  separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

llm_json_writer& llm_json_writer::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

llm_json_writer& llm_json_writer::key(std::string_view k) {
  separate();
  out_ += ml::sim::json_quote(k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

llm_json_writer& llm_json_writer::value(std::string_view s) {
  separate();
  out_ += ml::sim::json_quote(s);
  return *this;
}

llm_json_writer& llm_json_writer::value(std::int64_t i) {
  separate();
  out_ += std::to_string(i);
  return *this;
}

llm_json_writer& llm_json_writer::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

llm_json_writer& llm_json_writer::null() {
  separate();
  out_ += "null";
  return *this;
}

llm_json_writer& llm_json_writer::raw(std::string_view json) {
  separate();
  out_.append(json.data(), json.size());
  return *this;
}

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
