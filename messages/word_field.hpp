#pragma once
/// An enum field that travels (and is stored) by its word from a table of
/// messages/vocabulary.hpp, so a record stays readable when the enum grows.
/// An inspect writes `to_string(x.field)` and reads it back through
/// read_word in a load_callback.

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

}  // namespace mlt::msg
