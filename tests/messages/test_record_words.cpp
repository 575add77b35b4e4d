// The typed fields of records (ids, transcript words, statuses) keep the
// bytes the untyped ones had, so records stored before, and nodes built
// before, read them unchanged; a word nobody knows is an error naming it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "messages/type_ids.hpp"

using namespace mlt::msg;

namespace {

struct registered_config : caf::actor_system_config {
  registered_config() { register_message_types(*this); }
};

template <class... Ts>
std::vector<char> bytes_of(caf::actor_system& sys, Ts&... xs) {
  std::vector<char> buf;
  caf::binary_serializer out{sys, buf};
  REQUIRE(!out(xs...));
  return buf;
}

}  // namespace

TEST_CASE("a trial id is its own type: no integer (nor proposal id) becomes one unasked", "[ids]") {
  static_assert(!std::is_convertible_v<std::int64_t, trial_id>);
  static_assert(!std::is_convertible_v<trial_id, std::int64_t>);
  static_assert(std::is_constructible_v<trial_id, std::int64_t>);
  static_assert(!std::is_convertible_v<proposal_id, trial_id>);
  static_assert(!std::is_constructible_v<trial_id, proposal_id>);
  const trial_id a{3};
  const trial_id b{12};
  CHECK(a == trial_id{3});
  CHECK(a != b);
  CHECK(a < b);
  CHECK(b >= a);
  CHECK(to_string(b) == "12");
  CHECK(a.known());
  CHECK_FALSE(trial_id{}.known());
  std::unordered_set<trial_id> seen{a, b, trial_id{3}};
  CHECK(seen.size() == 2);
}

TEST_CASE("an id travels as the integer it holds", "[ids]") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  trial_id id{42};
  std::int64_t raw = 42;
  CHECK(bytes_of(sys, id) == bytes_of(sys, raw));
  proposal_id proposal{42};
  CHECK(bytes_of(sys, proposal) == bytes_of(sys, raw));
  // A record written with an integer id reads back typed.
  cancel_trial typed{trial_id{42}, "why"};
  std::string reason = "why";
  const auto old_bytes = bytes_of(sys, raw, reason);
  CHECK(bytes_of(sys, typed) == old_bytes);
  cancel_trial back;
  caf::binary_deserializer in{sys, old_bytes};
  REQUIRE(!in(back));
  CHECK(back.trial_id == trial_id{42});
}

TEST_CASE("a transcript line carries its speaker and kind as the words it always had", "[words]") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  trial_event e;
  e.trial_id = trial_id{7};
  e.seq = 3;
  e.time_ms = 1700000000000;
  e.speaker = event_speaker::mltrainer;
  e.kind = event_kind::decision;
  e.text = "ACTION continue";
  // The line as it was written when speaker and kind were strings.
  std::int64_t id = 7, seq = 3, time_ms = 1700000000000;
  std::string speaker = "mlTrainer", kind = "decision", text = "ACTION continue";
  event_data data;
  const auto old_bytes = bytes_of(sys, id, seq, time_ms, speaker, kind, text, data);
  CHECK(bytes_of(sys, e) == old_bytes);
  trial_event back;
  caf::binary_deserializer in{sys, old_bytes};
  REQUIRE(!in(back));
  CHECK(back.speaker == event_speaker::mltrainer);
  CHECK(back.kind == event_kind::decision);
  CHECK(back.trial_id == trial_id{7});
}

TEST_CASE("an unknown word in a record is an error that names it", "[words]") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  std::int64_t id = 7, seq = 3, time_ms = 0;
  std::string speaker = "robot", kind = "decision", text = "?";
  event_data data;
  const auto bytes = bytes_of(sys, id, seq, time_ms, speaker, kind, text, data);
  trial_event back;
  caf::binary_deserializer in{sys, bytes};
  const auto err = in(back);
  REQUIRE(err);
  CHECK(sys.render(err).find("unknown speaker 'robot'") != std::string::npos);

  std::string status = "paused", symbol = "SPY";
  trial_row row;
  const auto row_bytes = bytes_of(sys, id, status, symbol);
  caf::binary_deserializer row_in{sys, row_bytes};
  const auto row_err = row_in(row);
  REQUIRE(row_err);
  CHECK(sys.render(row_err).find("unknown status 'paused'") != std::string::npos);
}

TEST_CASE("a trial row and a status change carry the status word", "[words]") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  set_trial_status change{trial_id{5}, trial_status::cancelled, "by the person"};
  std::int64_t id = 5;
  std::string word = "cancelled", error = "by the person";
  CHECK(bytes_of(sys, change) == bytes_of(sys, id, word, error));
  for (const auto& [status, name] : trial_status_words) {
    set_trial_status m{trial_id{1}, status, ""};
    const auto bytes = bytes_of(sys, m);
    set_trial_status back;
    caf::binary_deserializer in{sys, bytes};
    REQUIRE(!in(back));
    CHECK(back.status == status);
    CHECK(std::string(to_string(back.status)) == name);
  }
}
