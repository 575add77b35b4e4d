#pragma once
/// The structured payload of a transcript line (a question's numbers, a
/// decision's action and parameters, a fit's progress): named values in the
/// order they were added, each a number, an integer, a text, a flag or a map
/// of named numbers. Clients see it as the `data` object of an event frame
/// (messages/wire.cpp writes it); inside the daemon and in the store it stays
/// typed.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace mlt::msg {

struct event_field {
  enum class kind : std::uint8_t { number, integer, text, flag, numbers };
  std::string key;
  kind type = kind::number;
  double number = 0;            ///< kind::number
  std::int64_t integer = 0;     ///< kind::integer; kind::flag as 0 or 1
  std::string text;             ///< kind::text
  std::map<std::string, double> numbers;  ///< kind::numbers
};

inline std::string to_string(event_field::kind k) { return std::to_string(static_cast<int>(k)); }

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_field& x) {
  return f(caf::meta::type_name("event_field"), x.key, x.type, x.number, x.integer, x.text, x.numbers);
}

/// Built like a JSON object: data.add("step", 3).add("unit", "round").
struct event_data {
  std::vector<event_field> fields;

  event_data& add(std::string_view key, double v) {
    push(key, event_field::kind::number).number = v;
    return *this;
  }
  event_data& add(std::string_view key, std::int64_t v) {
    push(key, event_field::kind::integer).integer = v;
    return *this;
  }
  // Counts only: no payload holds one beyond 2^63.
  event_data& add(std::string_view key, std::uint64_t v) { return add(key, static_cast<std::int64_t>(v)); }
  event_data& add(std::string_view key, int v) { return add(key, static_cast<std::int64_t>(v)); }
  event_data& add(std::string_view key, bool v) {
    push(key, event_field::kind::flag).integer = v;
    return *this;
  }
  event_data& add(std::string_view key, std::string_view v) {
    push(key, event_field::kind::text).text = std::string(v);
    return *this;
  }
  event_data& add(std::string_view key, const char* v) { return add(key, std::string_view(v)); }
  event_data& add(std::string_view key, const std::string& v) { return add(key, std::string_view(v)); }
  event_data& add(std::string_view key, std::map<std::string, double> v) {
    push(key, event_field::kind::numbers).numbers = std::move(v);
    return *this;
  }

private:
  event_field& push(std::string_view key, event_field::kind k) {
    fields.push_back({std::string(key), k, 0, 0, {}, {}});
    return fields.back();
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_data& x) {
  return f(caf::meta::type_name("event_data"), x.fields);
}

}  // namespace mlt::msg
