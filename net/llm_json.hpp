#pragma once
/// JSON for the LLM clients: a small writer for request bodies (escaping is
/// the project's one rule, ml::sim::json_quote) that can also splice in
/// already-encoded JSON, and a check that such text is a JSON object.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlt::net {

/// Streaming JSON text builder; commas are placed automatically.
class llm_json_writer {
public:
  llm_json_writer& begin_object();
  llm_json_writer& end_object();
  llm_json_writer& begin_array();
  llm_json_writer& end_array();
  /// Key of the next member (inside an object).
  llm_json_writer& key(std::string_view k);
  llm_json_writer& value(std::string_view s);
  llm_json_writer& value(const char* s) { return value(std::string_view(s)); }
  llm_json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  llm_json_writer& value(std::int64_t i);
  llm_json_writer& value(int i) { return value(static_cast<std::int64_t>(i)); }
  llm_json_writer& value(bool b);
  llm_json_writer& null();
  /// Already-encoded JSON as the next value (the caller has validated it).
  llm_json_writer& raw(std::string_view json);

  template <class T>
  llm_json_writer& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  ///< per open container: nothing written yet
  bool after_key_ = false;
};

/// `text` as compact JSON into `out` when it is one JSON object; empty or
/// blank text counts as "{}". On failure `out` holds why (for an error).
bool compact_json_object(std::string_view text, std::string& out);

}  // namespace mlt::net
