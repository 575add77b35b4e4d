#include "messages/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mlt::msg {

void append_json_string(std::string& out, std::string_view s) {
  // The characters JSON escapes with a letter, and those letters.
  constexpr std::string_view plain = "\"\\\n\r\t\b\f";
  constexpr std::string_view letter = "\"\\nrtbf";
  out += '"';
  for (unsigned char c : s) {
    if (const std::size_t k = plain.find(static_cast<char>(c)); k != std::string_view::npos) {
      out += '\\';
      out += letter[k];
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);  // UTF-8 bytes pass through
    }
  }
  out += '"';
}

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

json_writer& json_writer::begin_object() {
  separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

json_writer& json_writer::begin_array() {
  separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

json_writer& json_writer::key(std::string_view k) {
  separate();
  append_json_string(out_, k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}

json_writer& json_writer::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    out_ += "null";
    return *this;
  }
  char buf[40];
  if (doubles_ == double_style::digits_17) {
    std::snprintf(buf, sizeof buf, "%.17g", d);
    out_ += buf;
    return *this;
  }
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, res.ptr);
  return *this;
}

json_writer& json_writer::value(std::int64_t i) {
  separate();
  out_ += std::to_string(i);
  return *this;
}

json_writer& json_writer::value(std::uint64_t u) {
  separate();
  out_ += std::to_string(u);
  return *this;
}

json_writer& json_writer::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  separate();
  out_ += "null";
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

}  // namespace mlt::msg
