#pragma once
/// The project's one JSON writer: objects, arrays, escaped strings, numbers
/// with full double precision (non-finite numbers become null).
///
/// It sits below every other library (its own target, mltrainer_json, which
/// depends on nothing), so the simulator in ml/ writes with it too.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/ids.hpp"

namespace mlt::msg {

/// How doubles are written; both read back bit for bit.
enum class double_style {
  shortest,   ///< the fewest digits that read back exactly: 0.1
  digits_17,  ///< always 17 significant digits (%.17g): 0.10000000000000001
};

class json_writer {
public:
  explicit json_writer(double_style doubles = double_style::shortest) : doubles_(doubles) {}

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  /// Writes the key of the next member (inside an object).
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  json_writer& value(double d);
  json_writer& value(std::int64_t i);
  json_writer& value(std::uint64_t u);
  json_writer& value(int i) { return value(static_cast<std::int64_t>(i)); }
  json_writer& value(bool b);
  /// An id is its number on the wire.
  template <class Tag>
  json_writer& value(record_id<Tag> id) {
    return value(id.value);
  }
  json_writer& null();
  /// Inserts already-encoded JSON as the next value.
  json_writer& raw(std::string_view json);

  template <class T>
  json_writer& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  void separate();
  double_style doubles_;
  std::string out_;
  std::vector<bool> first_;  ///< per open container: no member written yet
  bool after_key_ = false;
};

/// Appends `s` to `out` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace mlt::msg
