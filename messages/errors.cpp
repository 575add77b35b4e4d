#include "messages/errors.hpp"

#include "messages/vocabulary.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/message.hpp>

namespace mlt::msg {

namespace {

constexpr caf::atom_value category = caf::atom("mltrainer");

bool ours(const caf::error& e) { return e && e.category() == category; }

std::string sentence_of(const caf::message& ctx) {
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return "";
}

}  // namespace

const char* to_string(errc code) {
  const char* word = word_of(errc_words, code);
  return *word ? word : "error";
}

std::string error_sentence(const caf::error& e) {
  if (ours(e)) {
    auto s = sentence_of(e.context());
    return s.empty() ? to_string(static_cast<errc>(e.code())) : s;
  }
  return caf::to_string(e);
}

std::string error_code_word(const caf::error& e, const char* otherwise) {
  return ours(e) ? to_string(static_cast<errc>(e.code())) : otherwise;
}

void register_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(category, [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
    auto s = sentence_of(ctx);
    return std::string(to_string(static_cast<errc>(code))) + (s.empty() ? "" : ": " + s);
  });
}

}  // namespace mlt::msg
