#pragma once
/// A small streaming JSON writer: commas and escaping handled, doubles at
/// full precision (%.17g, so they read back bit for bit), non-finite numbers
/// written as null.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlt::ml::sim {

class json_out {
 public:
  json_out& begin_object();
  json_out& end_object();
  json_out& begin_array();
  json_out& end_array();
  /// Object key; the next call writes its value.
  json_out& key(std::string_view k);
  json_out& value(double v);
  json_out& value(std::int64_t v);
  json_out& value(std::uint64_t v);
  json_out& value(int v) { return value(static_cast<std::int64_t>(v)); }
  json_out& value(bool v);
  json_out& value(std::string_view v);
  json_out& value(const char* v) { return value(std::string_view(v)); }
  json_out& null();

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  ///< per open container: nothing written yet
  bool after_key_ = false;
};

/// `s` as a quoted JSON string.
std::string json_quote(std::string_view s);

}  // namespace mlt::ml::sim
