#include "ml/sim/json_out.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>

namespace mlt::ml::sim {

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 bytes pass through
        }
    }
  }
  out += '"';
  return out;
}

void json_out::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

json_out& json_out::begin_object() {
  separate();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

json_out& json_out::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

json_out& json_out::begin_array() {
  separate();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

json_out& json_out::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

json_out& json_out::key(std::string_view k) {
  separate();
  out_ += json_quote(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_out& json_out::value(double v) {
  if (!std::isfinite(v)) return null();
  separate();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out_ += buf;
  return *this;
}

json_out& json_out::value(std::int64_t v) {
  separate();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64, v);
  out_ += buf;
  return *this;
}

json_out& json_out::value(std::uint64_t v) {
  separate();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIu64, v);
  out_ += buf;
  return *this;
}

json_out& json_out::value(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

json_out& json_out::value(std::string_view v) {
  separate();
  out_ += json_quote(v);
  return *this;
}

json_out& json_out::null() {
  separate();
  out_ += "null";
  return *this;
}

}  // namespace mlt::ml::sim
