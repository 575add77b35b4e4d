#pragma once
/// An enum field that travels (and is stored) by its word from a table of
/// messages/vocabulary.hpp, so a record stays readable when the enum grows.
/// An inspect passes `word_field(x.field, table, "what")` in the field's
/// place: it is written as the word and read back through read_word (the
/// bytes are those of a plain string field).

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/none.hpp>
#include <caf/sec.hpp>

#include "messages/vocabulary.hpp"

namespace mlt::msg {

/// `out` = the value of `word` in `table`, or an error naming the unknown `what`.
template <class Enum, std::size_t N>
caf::error read_word(const std::array<std::pair<Enum, const char*>, N>& table, const std::string& word, Enum& out,
                     const char* what) {
  auto v = parse_word(table, word);
  if (!v) return caf::make_error(caf::sec::invalid_argument, std::string("unknown ") + what + " '" + word + "'");
  out = *v;
  return caf::none;
}

/// An enum field of a record seen by an inspect as its word.
template <class Enum, std::size_t N>
struct word_field_ref {
  Enum& value;
  const std::array<std::pair<Enum, const char*>, N>& table;
  const char* what;  ///< names the field in the error for an unknown word
};

template <class Enum, std::size_t N>
word_field_ref<Enum, N> word_field(Enum& value, const std::array<std::pair<Enum, const char*>, N>& table,
                                   const char* what) {
  return {value, table, what};
}

template <class Inspector, class Enum, std::size_t N>
typename Inspector::result_type inspect(Inspector& f, word_field_ref<Enum, N>& x) {
  std::string word = word_of(x.table, x.value);
  auto load = caf::meta::load_callback([&] { return read_word(x.table, word, x.value, x.what); });
  return f(word, load);
}

}  // namespace mlt::msg
