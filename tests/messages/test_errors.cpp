// Errors are values: a receiver decides by the code and shows the sentence.

#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/sec.hpp>

#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

using namespace mlt;

TEST_CASE("our errors carry a code to decide by and a sentence to show", "[errors]") {
  const caf::error busy = caf::make_error(msg::errc::busy, std::string("busy, position 3: 2 trials are already waiting"));
  CHECK(busy == msg::errc::busy);
  CHECK_FALSE(busy == msg::errc::store_failed);
  CHECK(msg::error_sentence(busy) == "busy, position 3: 2 trials are already waiting");
  CHECK(msg::error_code_word(busy, "other") == "busy");
  CHECK(msg::error_code_word(caf::make_error(msg::errc::duplicate_trial), "other") == "duplicate_trial");
  CHECK(msg::error_sentence(caf::make_error(msg::errc::data_failed)) == "data_failed");

  // CAF's own errors keep CAF's words.
  const caf::error timeout = caf::make_error(caf::sec::request_timeout);
  CHECK(msg::error_code_word(timeout, "other") == "other");
  CHECK(msg::error_sentence(timeout).find("request_timeout") != std::string::npos);

  // The actor system renders ours with the code word first (logs).
  caf::actor_system_config cfg;
  msg::register_message_types(cfg);
  caf::actor_system sys{cfg};
  CHECK(sys.render(busy) == "busy: busy, position 3: 2 trials are already waiting");
}
